package io.parley.sinks.lastseen;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import java.util.Optional;

/** Reads a user's presence from the {@code last_seen} table. */
public final class PresenceReader {
  private final CqlSession session;
  private final PreparedStatement select;

  /** A user's presence: online now, and when last seen with the app open. */
  public record Presence(boolean online, long lastSeen, long updatedAt) {}

  public PresenceReader(CqlSession session, String keyspace) {
    this.session = session;
    this.select = session.prepare("SELECT last_seen, online, updated_at FROM " + keyspace + ".last_seen WHERE user = ?");
  }

  /** Empty for a user never seen (or forgotten). */
  public Optional<Presence> presence(String user) {
    Row row = session.execute(select.bind(user)).one();
    if (row == null || row.getInstant("last_seen") == null) {
      return Optional.empty();
    }
    return Optional.of(new Presence(row.getBoolean("online"), row.getInstant("last_seen").toEpochMilli(),
        row.getInstant("updated_at") == null ? 0 : row.getInstant("updated_at").toEpochMilli()));
  }
}
