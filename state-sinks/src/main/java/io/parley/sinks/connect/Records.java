package io.parley.sinks.connect;

import io.parley.sinks.InvalidRecordException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * The raw key and value of a record. Parley's sinks run with {@code StringConverter} keys and
 * {@code ByteArrayConverter} values and decode the Avro themselves, so a value that does not decode
 * is one bad record for the dead-letter topic, not a converter failure.
 */
final class Records {
  private Records() {}

  static String key(SinkRecord record) throws InvalidRecordException {
    Object key = record.key();
    if (key instanceof String s) {
      return s;
    }
    if (key instanceof byte[] bytes) {
      return new String(bytes, StandardCharsets.UTF_8);
    }
    throw new InvalidRecordException(key == null ? "record has no key" : "record key is not text: " + key.getClass().getName());
  }

  static byte[] value(SinkRecord record) throws InvalidRecordException {
    Object value = record.value();
    if (value == null || value instanceof byte[]) {
      return (byte[]) value;
    }
    if (value instanceof ByteBuffer buffer) {
      byte[] bytes = new byte[buffer.remaining()];
      buffer.duplicate().get(bytes);
      return bytes;
    }
    throw new InvalidRecordException("record value is not bytes (use ByteArrayConverter): " + value.getClass().getName());
  }
}
