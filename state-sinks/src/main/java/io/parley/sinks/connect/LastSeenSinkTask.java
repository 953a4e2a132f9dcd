package io.parley.sinks.connect;

import com.datastax.oss.driver.api.core.CqlSession;
import io.parley.sinks.InvalidRecordException;
import io.parley.sinks.lastseen.LastSeenChange;
import io.parley.sinks.lastseen.LastSeenRows;
import io.parley.sinks.lastseen.LastSeenWriter;
import java.util.List;
import org.apache.kafka.connect.sink.SinkRecord;

/** Writes records of the {@code last-seen} topic to the {@code last_seen} table. */
public final class LastSeenSinkTask extends CassandraSinkTask<LastSeenChange> {
  private LastSeenWriter writer;

  @Override
  protected LastSeenChange map(SinkRecord record) throws InvalidRecordException {
    long timestamp = record.timestamp() == null ? System.currentTimeMillis() : record.timestamp();
    return LastSeenRows.fromRecord(Records.key(record), Records.value(record), timestamp);
  }

  @Override
  protected void open(CqlSession session) {
    writer = new LastSeenWriter(session, config.settings().keyspace(), config.limits().maxInFlight());
  }

  @Override
  protected int[] write(List<LastSeenChange> batch) {
    int rows = writer.write(batch);
    return new int[] {rows, rows};
  }
}
