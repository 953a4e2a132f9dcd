package io.parley.client;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The client's durable state in SQLite: messages not yet acknowledged as {@code sent} (resent until
 * they are), and the highest seq this device holds (its cursor). A crash or a dead connection loses
 * nothing: whatever is in the outbox goes out again on the next connection.
 */
public final class Outbox implements AutoCloseable {
  private final Connection db;

  /**
   * A message waiting for the server's {@code sent}; {@code attachments} is the frame's JSON array
   * ({@code null} when there are none).
   */
  public record Pending(String id, String toKind, String to, String body, long createdAt, String attachments) {
    public Pending(String id, String toKind, String to, String body, long createdAt) {
      this(id, toKind, to, body, createdAt, null);
    }
  }

  public Outbox(Path file) throws SQLException {
    try {
      if (file.getParent() != null) {
        Files.createDirectories(file.getParent());
      }
    } catch (java.io.IOException e) {
      throw new SQLException("cannot create " + file.getParent(), e);
    }
    db = DriverManager.getConnection("jdbc:sqlite:" + file);
    try (Statement s = db.createStatement()) {
      s.execute("PRAGMA journal_mode=WAL");
      s.execute("CREATE TABLE IF NOT EXISTS outbox (id TEXT PRIMARY KEY, to_kind TEXT NOT NULL, to_id TEXT NOT NULL,"
          + " body TEXT NOT NULL, created_at INTEGER NOT NULL)");
      s.execute("CREATE TABLE IF NOT EXISTS state (name TEXT PRIMARY KEY, value INTEGER NOT NULL)");
      if (!hasColumn(s, "outbox", "attachments")) {
        // outboxes written before media carry no attachments column
        s.execute("ALTER TABLE outbox ADD COLUMN attachments TEXT");
      }
    }
  }

  private static boolean hasColumn(Statement s, String table, String column) throws SQLException {
    try (ResultSet rs = s.executeQuery("PRAGMA table_info(" + table + ")")) {
      while (rs.next()) {
        if (column.equals(rs.getString("name"))) {
          return true;
        }
      }
    }
    return false;
  }

  public synchronized void add(Pending p) throws SQLException {
    try (PreparedStatement s = db.prepareStatement("INSERT OR IGNORE INTO outbox (id, to_kind, to_id, body, created_at, attachments) VALUES (?, ?, ?, ?, ?, ?)")) {
      s.setString(1, p.id());
      s.setString(2, p.toKind());
      s.setString(3, p.to());
      s.setString(4, p.body());
      s.setLong(5, p.createdAt());
      s.setString(6, p.attachments());
      s.executeUpdate();
    }
  }

  public synchronized void remove(String id) throws SQLException {
    try (PreparedStatement s = db.prepareStatement("DELETE FROM outbox WHERE id = ?")) {
      s.setString(1, id);
      s.executeUpdate();
    }
  }

  public synchronized List<Pending> pending() throws SQLException {
    List<Pending> out = new ArrayList<>();
    try (Statement s = db.createStatement();
         ResultSet rs = s.executeQuery("SELECT id, to_kind, to_id, body, created_at, attachments FROM outbox ORDER BY created_at, rowid")) {
      while (rs.next()) {
        out.add(new Pending(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getLong(5),
            rs.getString(6)));
      }
    }
    return out;
  }

  public synchronized long cursor() throws SQLException {
    try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("SELECT value FROM state WHERE name = 'cursor'")) {
      return rs.next() ? rs.getLong(1) : 0L;
    }
  }

  public synchronized void setCursor(long cursor) throws SQLException {
    try (PreparedStatement s = db.prepareStatement(
        "INSERT INTO state VALUES ('cursor', ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value WHERE excluded.value > state.value")) {
      s.setLong(1, cursor);
      s.executeUpdate();
    }
  }

  @Override
  public synchronized void close() throws SQLException {
    db.close();
  }
}
