package io.parley.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.client.Incoming;
import io.parley.client.Outbox;
import io.parley.client.ParleyClient;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What the command-line chat relies on from the SDK, against the real gateway: two connections of one
 * device no longer replace each other forever, and a refused message leaves the outbox.
 */
@Timeout(120)
class CliDevicesIT {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static StackFixture it;
  private static Path dir;

  @BeforeAll
  static void start() throws Exception {
    it = new StackFixture(1);
    it.users("cli-alice", "cli-bob");
    dir = Files.createTempDirectory("cli-devices");
  }

  @AfterAll
  static void stop() throws Exception {
    it.close();
    StackFixture.deleteQuietly(dir);
  }

  static final class Heard implements Incoming {
    final List<Integer> closes = new CopyOnWriteArrayList<>();
    final List<String> bodies = new CopyOnWriteArrayList<>();
    final List<String> refusals = new CopyOnWriteArrayList<>();

    @Override
    public void disconnected(int code, String reason) {
      closes.add(code);
    }

    @Override
    public void message(long seq, String id, String from, String conversation, String body, long at, JsonNode raw) {
      bodies.add(body);
    }

    @Override
    public void error(String code, String message, String ref) {
      refusals.add(code + " " + ref);
    }
  }

  private static ParleyClient client(String user, String device, Outbox outbox, Heard heard) throws Exception {
    URI ws = it.stack.gateway(0).webSocketUri();
    return new ParleyClient(ws, it.stack.tokens().issue(user, device), outbox, heard);
  }

  @Test
  void shouldLeaveTheNewerConnectionOfADeviceAloneOnceTheOlderIsReplaced() throws Exception {
    Heard olderHeard = new Heard();
    Heard newerHeard = new Heard();
    Heard bobHeard = new Heard();
    try (Outbox olderBox = new Outbox(dir.resolve("older.db"));
         Outbox newerBox = new Outbox(dir.resolve("newer.db"));
         Outbox bobBox = new Outbox(dir.resolve("bob.db"));
         ParleyClient older = client("cli-alice", "cli", olderBox, olderHeard);
         ParleyClient newer = client("cli-alice", "cli", newerBox, newerHeard);
         ParleyClient bob = client("cli-bob", "cli", bobBox, bobHeard)) {
      older.start();
      await().atMost(WAIT).until(older::connected);
      newer.start();
      await().atMost(WAIT).until(older::replaced);
      assertThat(olderHeard.closes).containsExactly(ParleyClient.CLOSE_REPLACED);

      // The older one used to reconnect and replace the newer in turn, dozens of times a minute.
      await().during(Duration.ofSeconds(3)).atMost(WAIT).until(() -> newer.connected() && newerHeard.closes.isEmpty());
      bob.start();
      bob.send("cli-alice", "still there?");
      await().atMost(WAIT).until(() -> newerHeard.bodies.contains("still there?"));
      assertThat(older.connected()).isFalse();
      assertThat(olderHeard.bodies).isEmpty();
    }
  }

  @Test
  void shouldTakeAMessageTheGatewayRefusesForGoodOutOfTheOutbox() throws Exception {
    Heard heard = new Heard();
    try (Outbox outbox = new Outbox(dir.resolve("refused.db"));
         ParleyClient alice = client("cli-alice", "laptop", outbox, heard)) {
      alice.start();
      await().atMost(WAIT).until(alice::connected);
      String id = alice.send("cli-nobody", "hello?");
      await().atMost(WAIT).until(() -> heard.refusals.contains("unknown_recipient " + id));
      assertThat(outbox.pending()).isEmpty();
    }
  }
}
