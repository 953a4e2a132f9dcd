package io.parley.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.client.Incoming;
import io.parley.client.Outbox;
import io.parley.client.ParleyClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The Java SDK against the real stack: its outbox survives a dead connection, its cursor survives a restart. */
@Timeout(120)
class ClientSdkIT {
  private static StackFixture it;

  @BeforeAll
  static void start() throws Exception {
    it = new StackFixture(1);
    it.users("sdk-alice", "sdk-bob");
  }

  @AfterAll
  static void stop() throws Exception {
    it.close();
  }

  static final class Recorder implements Incoming {
    final List<String> bodies = new CopyOnWriteArrayList<>();
    final List<String> sent = new CopyOnWriteArrayList<>();
    final List<String> receipts = new CopyOnWriteArrayList<>();

    @Override
    public void message(long seq, String id, String from, String conversation, String body, long at, JsonNode raw) {
      bodies.add(body);
    }

    @Override
    public void sent(String id, long at) {
      sent.add(id);
    }

    @Override
    public void receipt(long seq, String messageId, String by, String status, long at) {
      receipts.add(status);
    }
  }

  @Test
  void shouldSendWhatWasWrittenWhileOfflineOnceConnectedAndNeverTwice() throws Exception {
    Path dir = Files.createTempDirectory("sdk");
    var ws = it.stack.gateway(0).webSocketUri();
    Recorder bobSees = new Recorder();
    Recorder aliceSees = new Recorder();

    // Alice writes two messages with no connection: they wait in her outbox file.
    try (Outbox outbox = new Outbox(dir.resolve("alice.db"));
         ParleyClient offline = new ParleyClient(ws, it.stack.tokens().issue("sdk-alice", "phone"), outbox, aliceSees)) {
      offline.send("sdk-bob", "written offline 1");
      offline.send("sdk-bob", "written offline 2");
      assertThat(outbox.pending()).hasSize(2);
    }

    try (Outbox bobBox = new Outbox(dir.resolve("bob.db"));
         ParleyClient bob = new ParleyClient(ws, it.stack.tokens().issue("sdk-bob", "phone"), bobBox, bobSees);
         Outbox aliceBox = new Outbox(dir.resolve("alice.db"));
         ParleyClient alice = new ParleyClient(ws, it.stack.tokens().issue("sdk-alice", "phone"), aliceBox, aliceSees)) {
      bob.start();
      alice.start();
      await().atMost(Duration.ofSeconds(30)).until(() -> bobSees.bodies.size() >= 2 && aliceBox.pending().isEmpty());
      await().atMost(Duration.ofSeconds(10)).until(() -> aliceSees.receipts.contains("delivered"));
      Thread.sleep(1_000);
      assertThat(bobSees.bodies).containsExactly("written offline 1", "written offline 2");
      assertThat(bobBox.cursor()).isEqualTo(2);
    }

    // Bob restarts his app: his cursor came from disk, so nothing is shown twice.
    Recorder again = new Recorder();
    try (Outbox bobBox = new Outbox(dir.resolve("bob.db"));
         ParleyClient bob = new ParleyClient(ws, it.stack.tokens().issue("sdk-bob", "phone"), bobBox, again)) {
      bob.start();
      await().atMost(Duration.ofSeconds(10)).until(bob::connected);
      Thread.sleep(1_500);
      assertThat(again.bodies).isEmpty();
    }
    StackFixture.deleteQuietly(dir);
  }
}
