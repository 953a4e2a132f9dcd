package io.parley.analytics.stream;

import static org.apache.spark.sql.functions.udf;

import io.parley.analytics.messages.ChatLine;
import io.parley.analytics.messages.MessageDecoder;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** The Spark side of {@link MessageDecoder}: a record value in, a struct of the message or the failure out. */
final class Decoding {
  static final String FAILURE = "failure";
  static final StructType TYPE = new StructType()
      .add(FAILURE, DataTypes.StringType, true)
      .add("sender", DataTypes.StringType, true)
      .add("messageId", DataTypes.StringType, true)
      .add("conversation", DataTypes.StringType, true)
      .add("body", DataTypes.StringType, true)
      .add("sentAt", DataTypes.LongType, true);

  // One decoder per task thread: Avro decoders keep per-use buffers.
  private static final ThreadLocal<MessageDecoder> decoders = ThreadLocal.withInitial(MessageDecoder::new);

  private Decoding() {}

  static Column decode(Column value) {
    UDF1<byte[], Row> decode = Decoding::row;
    return udf(decode, TYPE).asNondeterministic().apply(value);
  }

  private static Row row(byte[] value) {
    MessageDecoder.Result result = decoders.get().decode(value);
    if (result.failure().isPresent()) {
      return RowFactory.create(result.failure().get().reason, null, null, null, null, null);
    }
    ChatLine m = result.message().orElseThrow();
    return RowFactory.create(null, m.sender(), m.messageId(), m.conversation(), m.body() == null ? "" : m.body(), m.sentAt());
  }
}
