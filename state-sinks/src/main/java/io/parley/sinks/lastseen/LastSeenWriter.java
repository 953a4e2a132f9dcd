package io.parley.sinks.lastseen;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Statement;
import io.parley.sinks.cassandra.StatementRunner;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes last-seen changes, one row per user, coalesced within a call. Each write carries the
 * change's own time as its write timestamp, so an older change replayed later never wins.
 */
public final class LastSeenWriter {
  private final PreparedStatement upsert;
  private final PreparedStatement delete;
  private final StatementRunner runner;

  public LastSeenWriter(CqlSession session, String keyspace, int maxInFlight) {
    this.upsert = session.prepare("INSERT INTO " + keyspace + ".last_seen (user, last_seen, online, updated_at) "
        + "VALUES (?, ?, ?, ?) USING TIMESTAMP ?");
    this.delete = session.prepare("DELETE FROM " + keyspace + ".last_seen USING TIMESTAMP ? WHERE user = ?");
    this.runner = new StatementRunner(session, maxInFlight);
  }

  /** Writes the latest change per user; returns the rows written (Cassandra writes). */
  public int write(List<LastSeenChange> changes) {
    List<Statement<?>> statements = new ArrayList<>();
    for (LastSeenChange change : LastSeenRows.latestPerUser(changes)) {
      if (change instanceof LastSeenChange.Update u) {
        statements.add(upsert.bind(u.user(), Instant.ofEpochMilli(u.lastSeen()), u.online(), Instant.ofEpochMilli(u.at()),
            u.writeTimestampMicros()));
      } else {
        statements.add(delete.bind(change.writeTimestampMicros(), change.user()));
      }
    }
    runner.runAll(statements);
    return statements.size();
  }
}
