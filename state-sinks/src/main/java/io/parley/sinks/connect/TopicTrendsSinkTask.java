package io.parley.sinks.connect;

import com.datastax.oss.driver.api.core.CqlSession;
import io.parley.sinks.InvalidRecordException;
import io.parley.sinks.tags.AnalyticsJson;
import io.parley.sinks.tags.TrendCount;
import io.parley.sinks.tags.TrendWriter;
import java.util.List;
import org.apache.kafka.connect.sink.SinkRecord;

/** Writes records of the {@code topic-trends} topic to the {@code topic_trends} table. */
public final class TopicTrendsSinkTask extends CassandraSinkTask<TrendCount> {
  private TrendWriter writer;

  @Override
  protected TrendCount map(SinkRecord record) throws InvalidRecordException {
    return AnalyticsJson.trend(Records.key(record), Records.value(record));
  }

  @Override
  protected void open(CqlSession session) {
    writer = new TrendWriter(session, config.settings().keyspace(), config.limits().maxInFlight());
  }

  @Override
  protected int[] write(List<TrendCount> batch) {
    int rows = writer.write(batch);
    return new int[] {rows, rows};
  }
}
