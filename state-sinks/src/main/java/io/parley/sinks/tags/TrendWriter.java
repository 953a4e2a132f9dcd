package io.parley.sinks.tags;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Statement;
import io.parley.sinks.cassandra.StatementRunner;
import io.parley.sinks.history.Days;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes trend counts, one row per window and tag (the table expires them after a week). The job
 * sends a window's count again each time it grows, on a topic of one partition: records come in the
 * order they were written, also when a restarted sink replays some, so the last one written wins.
 */
public final class TrendWriter {
  private final PreparedStatement upsert;
  private final StatementRunner runner;

  public TrendWriter(CqlSession session, String keyspace, int maxInFlight) {
    this.upsert = session.prepare("INSERT INTO " + keyspace + ".topic_trends (day, window_start, tag, window_end, count) "
        + "VALUES (?, ?, ?, ?, ?)");
    this.runner = new StatementRunner(session, maxInFlight);
  }

  /** Returns the rows written. */
  public int write(List<TrendCount> counts) {
    Map<String, TrendCount> latest = new LinkedHashMap<>();
    for (TrendCount c : counts) {
      latest.put(c.windowStart() + "|" + c.tag(), c); // the later record of a window and tag wins
    }
    List<Statement<?>> statements = new ArrayList<>(latest.size());
    for (TrendCount c : latest.values()) {
      statements.add(upsert.bind(Days.of(c.windowStart()), Instant.ofEpochMilli(c.windowStart()), c.tag(),
          Instant.ofEpochMilli(c.windowEnd()), c.count()));
    }
    runner.runAll(statements);
    return statements.size();
  }
}
