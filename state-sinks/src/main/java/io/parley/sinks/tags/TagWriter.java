package io.parley.sinks.tags;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Statement;
import io.parley.sinks.cassandra.StatementRunner;
import io.parley.sinks.history.Days;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes message tags, one row per message under its conversation, day and time (as its history row).
 * An upsert: a tag written twice (Spark's at-least-once sink, a replay) is one row; a newer model's
 * tag replaces an older one.
 */
public final class TagWriter {
  private final PreparedStatement upsert;
  private final StatementRunner runner;

  public TagWriter(CqlSession session, String keyspace, int maxInFlight) {
    this.upsert = session.prepare("INSERT INTO " + keyspace + ".message_tags "
        + "(conversation, day, sent_at, sender, message_id, tag, score, model) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    this.runner = new StatementRunner(session, maxInFlight);
  }

  /** Returns the rows written. */
  public int write(List<MessageTag> tags) {
    List<Statement<?>> statements = new ArrayList<>(tags.size());
    for (MessageTag t : tags) {
      statements.add(upsert.bind(t.conversation(), Days.of(t.sentAt()), Instant.ofEpochMilli(t.sentAt()), t.sender(),
          t.messageId(), t.tag(), t.score(), t.model()));
    }
    runner.runAll(statements);
    return statements.size();
  }
}
