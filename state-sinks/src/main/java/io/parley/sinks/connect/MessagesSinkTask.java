package io.parley.sinks.connect;

import com.datastax.oss.driver.api.core.CqlSession;
import io.parley.sinks.InvalidRecordException;
import io.parley.sinks.history.HistoryWriter;
import io.parley.sinks.history.MessageRow;
import io.parley.sinks.history.MessageRows;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.sink.SinkRecord;

/** Writes records of the {@code messages} topic to the history tables. */
public final class MessagesSinkTask extends CassandraSinkTask<MessageRow> {
  private MessageRows rows;
  private HistoryWriter writer;

  @Override
  public void start(Map<String, String> props) {
    super.start(props);
    rows = new MessageRows(config.previewChars());
  }

  @Override
  protected MessageRow map(SinkRecord record) throws InvalidRecordException {
    return rows.fromRecord(record.originalKafkaOffset(), Records.key(record), Records.value(record));
  }

  @Override
  protected void open(CqlSession session) {
    writer = new HistoryWriter(session, config.settings().keyspace(), rows, config.limits());
  }

  @Override
  protected int[] write(List<MessageRow> batch) {
    HistoryWriter.Written written = writer.write(batch);
    return new int[] {written.rows(), written.requests()};
  }
}
