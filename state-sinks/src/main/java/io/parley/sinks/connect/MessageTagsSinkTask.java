package io.parley.sinks.connect;

import com.datastax.oss.driver.api.core.CqlSession;
import io.parley.sinks.InvalidRecordException;
import io.parley.sinks.tags.AnalyticsJson;
import io.parley.sinks.tags.MessageTag;
import io.parley.sinks.tags.TagWriter;
import java.util.List;
import org.apache.kafka.connect.sink.SinkRecord;

/** Writes records of the {@code message-tags} topic to the {@code message_tags} table. */
public final class MessageTagsSinkTask extends CassandraSinkTask<MessageTag> {
  private TagWriter writer;

  @Override
  protected MessageTag map(SinkRecord record) throws InvalidRecordException {
    return AnalyticsJson.tag(Records.key(record), Records.value(record));
  }

  @Override
  protected void open(CqlSession session) {
    writer = new TagWriter(session, config.settings().keyspace(), config.limits().maxInFlight());
  }

  @Override
  protected int[] write(List<MessageTag> batch) {
    int rows = writer.write(batch);
    return new int[] {rows, rows};
  }
}
