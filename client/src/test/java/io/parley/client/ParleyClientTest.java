package io.parley.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The SDK against a stand-in gateway: what it keeps, what it drops, when it stops reconnecting. */
@Timeout(60)
class ParleyClientTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  @TempDir
  Path dir;
  private FakeGateway gateway;
  private final Heard heard = new Heard();

  static final class Heard implements Incoming {
    final List<String> errors = new CopyOnWriteArrayList<>();
    final List<Integer> closes = new CopyOnWriteArrayList<>();

    @Override
    public void error(String code, String message, String ref) {
      errors.add(code + " " + ref + " " + message);
    }

    @Override
    public void disconnected(int code, String reason) {
      closes.add(code);
    }
  }

  @BeforeEach
  void start() throws Exception {
    gateway = new FakeGateway();
  }

  @AfterEach
  void stop() throws Exception {
    gateway.close();
  }

  @Test
  void shouldTakeAPermanentlyRefusedMessageOutOfTheOutbox() throws Exception {
    try (Outbox outbox = new Outbox(dir.resolve("c.db"));
         ParleyClient client = new ParleyClient(gateway.webSocket(), "token", outbox, heard)) {
      client.start();
      await().atMost(WAIT).until(client::connected);
      String id = client.send("bob", "hello");
      await().atMost(WAIT).until(() -> !gateway.frames("send").isEmpty());
      gateway.push("{\"type\":\"error\",\"code\":\"unknown_recipient\",\"message\":\"no such user\",\"ref\":\"" + id + "\"}");
      await().atMost(WAIT).until(() -> !heard.errors.isEmpty());
      assertThat(outbox.pending()).isEmpty();
      assertThat(ParleyClient.isPermanent("unknown_recipient")).isTrue();
      assertThat(ParleyClient.isPermanent("rate_limited")).isFalse();
    }
  }

  @Test
  void shouldGiveUpOnASilentSocketAndConnectAgain() throws Exception {
    try (FreezingProxy proxy = new FreezingProxy(gateway.webSocket());
         Outbox outbox = new Outbox(dir.resolve("c.db"));
         ParleyClient client = new ParleyClient(proxy.webSocket(gateway.webSocket()), "token", outbox, heard)
             .liveness(Duration.ofMillis(300), Duration.ofSeconds(1))) {
      client.start();
      await().atMost(WAIT).until(client::connected);
      // pongs keep an idle socket alive past its silence limit
      await().during(Duration.ofMillis(1_500)).atMost(WAIT).until(heard.closes::isEmpty);
      assertThat(proxy.connections()).isEqualTo(1);

      proxy.freeze(); // the server hangs: the socket stays open and nothing answers
      await().atMost(WAIT).until(() -> heard.closes.contains(1006));
      await().atMost(WAIT).until(() -> proxy.connections() == 2 && client.connected());
      String id = client.send("bob", "after the hang");
      await().atMost(WAIT).until(() -> gateway.frames("send").stream().anyMatch(f -> f.get("id").asText().equals(id)));
    }
  }

  @Test
  void shouldRefuseAMessageOverTheLimitsBeforeItEntersTheOutbox() throws Exception {
    try (Outbox outbox = new Outbox(dir.resolve("c.db"));
         ParleyClient client = new ParleyClient(gateway.webSocket(), "token", outbox, heard)) {
      assertThatThrownBy(() -> client.send("bob", "x".repeat(ParleyClient.MAX_BODY_CHARS + 1)))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("16384");
      // under the character limit, but escaped control characters make the frame too large
      assertThatThrownBy(() -> client.send("bob", "\u0001".repeat(ParleyClient.MAX_BODY_CHARS)))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bytes");
      client.send("bob", "x".repeat(ParleyClient.MAX_BODY_CHARS));
      assertThat(outbox.pending()).hasSize(1);
    }
  }

  @Test
  void shouldDropAnOversizedMessageLeftInTheOutboxWithAVisibleErrorInsteadOfResendingIt() throws Exception {
    try (Outbox outbox = new Outbox(dir.resolve("c.db"))) {
      // as an older client left it: the gateway refuses such a frame without a ref, at every start
      outbox.add(new Outbox.Pending("big", "user", "bob", "x".repeat(100_000), 1));
      try (ParleyClient client = new ParleyClient(gateway.webSocket(), "token", outbox, heard)) {
        client.start();
        await().atMost(WAIT).until(() -> !heard.errors.isEmpty());
        assertThat(heard.errors).singleElement().asString().startsWith("too_large big ").contains("removed from the outbox");
        assertThat(outbox.pending()).isEmpty();
        client.send("bob", "after");
        // frames on one socket arrive in order: had the big one been sent, it would be here first
        await().atMost(WAIT).until(() -> !gateway.frames("send").isEmpty());
        assertThat(gateway.frames("send")).extracting(f -> f.path("body").asText()).containsExactly("after");
      }
    }
  }

  @Test
  void shouldStopReconnectingOnceItsDeviceConnectedElsewhere() throws Exception {
    try (Outbox outbox = new Outbox(dir.resolve("c.db"));
         ParleyClient client = new ParleyClient(gateway.webSocket(), "token", outbox, heard)) {
      client.start();
      await().atMost(WAIT).until(client::connected);
      gateway.closeNewest(1001, "going away");
      // an ordinary close: it comes back
      await().atMost(WAIT).until(() -> gateway.sockets.size() == 2 && client.connected());
      assertThat(client.replaced()).isFalse();

      gateway.closeNewest(ParleyClient.CLOSE_REPLACED, "replaced by a newer connection of this device");
      await().atMost(WAIT).until(client::replaced);
      assertThat(heard.closes).containsExactly(1001, ParleyClient.CLOSE_REPLACED);
      // the first reconnect would come 250 ms after the close; give it four times that to show up
      await().during(Duration.ofSeconds(1)).atMost(WAIT).until(() -> gateway.sockets.size() == 2);
      assertThat(client.connected()).isFalse();
    }
  }

  @Test
  void shouldPaceItsSendsUnderItsRateAndKeepTheirOrder() throws Exception {
    try (Outbox outbox = new Outbox(dir.resolve("c.db"));
         ParleyClient client = new ParleyClient(gateway.webSocket(), "token", outbox, heard).sendRate(10)) {
      client.start();
      await().atMost(WAIT).until(client::connected);
      long t0 = System.nanoTime();
      List<String> ids = new java.util.ArrayList<>();
      for (int i = 0; i < 30; i++) {
        ids.add(client.send("bob", "m" + i));
      }
      await().atMost(WAIT).until(() -> gateway.frames("send").size() >= 30);
      // 10 a second: the 21st send cannot go before two seconds have passed, however slow the machine
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
      assertThat(gateway.frames("send")).extracting(f -> f.path("id").asText()).containsExactlyElementsOf(ids);
      assertThat(heard.errors).isEmpty();
    }
  }

  @Test
  void shouldSendARateLimitedMessageAgainWithoutTroublingTheUser() throws Exception {
    try (Outbox outbox = new Outbox(dir.resolve("c.db"));
         ParleyClient client = new ParleyClient(gateway.webSocket(), "token", outbox, heard)) {
      client.start();
      await().atMost(WAIT).until(client::connected);
      String id = client.send("bob", "hello");
      await().atMost(WAIT).until(() -> gateway.frames("send").size() == 1);
      gateway.push("{\"type\":\"error\",\"code\":\"rate_limited\",\"message\":\"too many messages; slow down\",\"ref\":\""
          + id + "\"}");
      // written again a second later, long before the ten seconds after which an unanswered send is
      await().atMost(Duration.ofSeconds(8)).until(() -> gateway.frames("send").size() == 2);
      assertThat(gateway.frames("send")).extracting(f -> f.path("id").asText()).containsExactly(id, id);
      assertThat(outbox.pending()).extracting(Outbox.Pending::id).containsExactly(id);
      gateway.push("{\"type\":\"sent\",\"id\":\"" + id + "\",\"at\":1}");
      await().atMost(WAIT).until(() -> outbox.pending().isEmpty());
      // a second copy of a message already sent, refused: nothing to resend, nothing to tell
      gateway.push("{\"type\":\"error\",\"code\":\"rate_limited\",\"message\":\"too many messages; slow down\",\"ref\":\""
          + id + "\"}");
      client.send("bob", "after");
      // and, past the second a pending refusal would wait, still only these three
      await().during(Duration.ofMillis(1_500)).atMost(WAIT).until(() -> gateway.frames("send").size() == 3);
      assertThat(gateway.frames("send")).extracting(f -> f.path("body").asText()).containsExactly("hello", "hello", "after");
      assertThat(heard.errors).isEmpty();
    }
  }
}
