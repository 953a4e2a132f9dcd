package io.parley.client.cli;

import io.parley.client.media.Attachment;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The files this device received, numbered for {@code /save <n>}, kept in SQLite beside the outbox
 * so that a number still means the same file after the chat restarts. A redelivered message keeps
 * the numbers its files already have.
 */
final class ReceivedFiles implements AutoCloseable {
  private final Connection db;

  /** Received file {@code number}, from {@code from} at {@code at} (epoch ms). */
  record Received(int number, String from, long at, Attachment attachment) {}

  ReceivedFiles(Path file) throws SQLException {
    db = DriverManager.getConnection("jdbc:sqlite:" + file);
    try (Statement s = db.createStatement()) {
      s.execute("PRAGMA journal_mode=WAL");
      s.execute("PRAGMA busy_timeout=5000"); // the outbox writes to the same file
      s.execute("CREATE TABLE IF NOT EXISTS received_files (number INTEGER PRIMARY KEY AUTOINCREMENT,"
          + " message_id TEXT NOT NULL, position INTEGER NOT NULL, sender TEXT NOT NULL, at INTEGER NOT NULL,"
          + " asset TEXT NOT NULL, mime TEXT NOT NULL, size INTEGER NOT NULL, media_key TEXT, name TEXT,"
          + " UNIQUE (message_id, position))");
    }
  }

  /** Remembers the {@code position}-th attachment of message {@code messageId}; returns its number. */
  synchronized int add(String messageId, int position, String from, long at, Attachment a) throws SQLException {
    try (PreparedStatement s = db.prepareStatement("INSERT OR IGNORE INTO received_files"
        + " (message_id, position, sender, at, asset, mime, size, media_key, name) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      s.setString(1, messageId);
      s.setInt(2, position);
      s.setString(3, from);
      s.setLong(4, at);
      s.setString(5, a.asset());
      s.setString(6, a.mime());
      s.setLong(7, a.size());
      s.setString(8, a.key());
      s.setString(9, a.name());
      s.executeUpdate();
    }
    try (PreparedStatement s = db.prepareStatement("SELECT number FROM received_files WHERE message_id = ? AND position = ?")) {
      s.setString(1, messageId);
      s.setInt(2, position);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  synchronized Optional<Received> get(int number) throws SQLException {
    try (PreparedStatement s = db.prepareStatement(SELECT + " WHERE number = ?")) {
      s.setInt(1, number);
      List<Received> found = read(s);
      return found.stream().findFirst();
    }
  }

  synchronized List<Received> all() throws SQLException {
    try (PreparedStatement s = db.prepareStatement(SELECT + " ORDER BY number")) {
      return read(s);
    }
  }

  private static final String SELECT = "SELECT number, sender, at, asset, mime, size, media_key, name FROM received_files";

  private static List<Received> read(PreparedStatement s) throws SQLException {
    List<Received> out = new ArrayList<>();
    try (ResultSet rs = s.executeQuery()) {
      while (rs.next()) {
        out.add(new Received(rs.getInt(1), rs.getString(2), rs.getLong(3),
            new Attachment(rs.getString(4), rs.getString(5), rs.getLong(6), rs.getString(7), rs.getString(8))));
      }
    }
    return out;
  }

  @Override
  public synchronized void close() throws SQLException {
    db.close();
  }
}
