package io.parley.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutboxTest {

  @Test
  void shouldKeepPendingMessagesAcrossARestartInTheOrderTheyWereWritten(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("client.db");
    try (Outbox outbox = new Outbox(file)) {
      outbox.add(new Outbox.Pending("b", "user", "bob", "second", 2));
      outbox.add(new Outbox.Pending("a", "user", "bob", "first", 1));
      outbox.add(new Outbox.Pending("a", "user", "bob", "first again", 3));
    }
    try (Outbox reopened = new Outbox(file)) {
      assertThat(reopened.pending()).extracting(Outbox.Pending::body).containsExactly("first", "second");
      reopened.remove("a");
      assertThat(reopened.pending()).extracting(Outbox.Pending::id).containsExactly("b");
    }
  }

  @Test
  void shouldKeepMessagesWrittenInTheSameMillisecondInTheOrderTheyWereWritten(@TempDir Path dir) throws Exception {
    try (Outbox outbox = new Outbox(dir.resolve("c.db"))) {
      for (String id : new String[] {"f", "c", "e", "a", "d", "b"}) { // ids are random UUIDs: in no order
        outbox.add(new Outbox.Pending(id, "user", "bob", "part " + id, 7));
      }
      assertThat(outbox.pending()).extracting(Outbox.Pending::id).containsExactly("f", "c", "e", "a", "d", "b");
    }
  }

  @Test
  void shouldOnlyMoveTheCursorForward(@TempDir Path dir) throws Exception {
    try (Outbox outbox = new Outbox(dir.resolve("c.db"))) {
      assertThat(outbox.cursor()).isZero();
      outbox.setCursor(5);
      outbox.setCursor(3);
      assertThat(outbox.cursor()).isEqualTo(5);
    }
  }

  @Test
  void shouldKeepAttachmentsAndOpenAnOutboxWrittenBeforeThem(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("old.db");
    try (var db = java.sql.DriverManager.getConnection("jdbc:sqlite:" + file); var s = db.createStatement()) {
      s.execute("CREATE TABLE outbox (id TEXT PRIMARY KEY, to_kind TEXT NOT NULL, to_id TEXT NOT NULL,"
          + " body TEXT NOT NULL, created_at INTEGER NOT NULL)");
      s.execute("INSERT INTO outbox VALUES ('old', 'user', 'bob', 'from before', 1)");
    }
    try (Outbox outbox = new Outbox(file)) {
      outbox.add(new Outbox.Pending("new", "group", "g1", "a picture", 2, "[{\"asset\":\"ab\"}]"));
      assertThat(outbox.pending()).containsExactly(
          new Outbox.Pending("old", "user", "bob", "from before", 1, null),
          new Outbox.Pending("new", "group", "g1", "a picture", 2, "[{\"asset\":\"ab\"}]"));
    }
  }
}
