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
  void shouldOnlyMoveTheCursorForward(@TempDir Path dir) throws Exception {
    try (Outbox outbox = new Outbox(dir.resolve("c.db"))) {
      assertThat(outbox.cursor()).isZero();
      outbox.setCursor(5);
      outbox.setCursor(3);
      assertThat(outbox.cursor()).isEqualTo(5);
    }
  }
}
