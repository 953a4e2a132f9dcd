package io.parley.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.auth.TokenService;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Signing in registers the device with its user's mailbox, so a device that has not connected yet
 * still gets what its other devices acknowledged; signing out forgets it. Over HTTP and real sockets.
 */
@Timeout(120)
class DeviceRegistrationIT {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final AtomicInteger USERS = new AtomicInteger();
  private static StackFixture it;
  private static Http http;

  @BeforeAll
  static void start() throws Exception {
    it = new StackFixture(1);
    http = new Http(it.stack.gateway(0).uri());
  }

  @AfterAll
  static void stop() throws Exception {
    it.close();
  }

  /** A fresh user per test, signed up over HTTP; returns its id. */
  private static String user(String name) throws Exception {
    String id = name + USERS.incrementAndGet();
    Http.Reply up = http.post("/v1/users", java.util.Map.of("username", id, "password", StackFixture.PASSWORD), null);
    assertThat(up.status()).isEqualTo(201);
    return id;
  }

  private static WsClient connect(String token) throws Exception {
    return WsClient.connect(it.client, it.stack.gateway(0).webSocketUri(), token);
  }

  /** alice sends bob a message and waits until it is stored; returns its client id. */
  private static String send(WsClient alice, String bob, String body) throws Exception {
    String id = alice.send(bob, body);
    alice.next(f -> "sent".equals(f.path("type").asText()) && id.equals(f.path("id").asText()), WAIT);
    return id;
  }

  /** bob's device acks the message delivered and read; alice's read receipt shows bob's mailbox applied both. */
  private static long ackAndRead(WsClient device, WsClient alice, String id) throws Exception {
    JsonNode message = device.next(f -> "message".equals(f.path("type").asText()) && id.equals(f.path("id").asText()), WAIT);
    long seq = message.get("seq").asLong();
    device.ack(seq, "delivered");
    device.ack(seq, "read");
    alice.next(f -> "receipt".equals(f.path("type").asText()) && "read".equals(f.path("status").asText())
        && id.equals(f.path("id").asText()), WAIT);
    return seq;
  }

  @Test
  void shouldGiveADeviceThatSignedInButConnectedLaterWhatAnotherDeviceAlreadyRead() throws Exception {
    String alice = user("alice");
    String bob = user("bob");
    WsClient a = connect(http.signIn(alice, "phone"));
    String b1Token = http.signIn(bob, "b1");
    String b2Token = http.signIn(bob, "b2");
    WsClient b1 = connect(b1Token);

    String id = send(a, bob, "for every device of bob");
    long seq = ackAndRead(b1, a, id);

    WsClient b2 = connect(b2Token);
    JsonNode late = b2.next("message", WAIT);
    assertThat(late.get("id").asText()).isEqualTo(id);
    assertThat(late.get("seq").asLong()).isEqualTo(seq);
    assertThat(late.get("body").asText()).isEqualTo("for every device of bob");
  }

  @Test
  void shouldReleaseWhatOnlyASignedOutDeviceWasHolding() throws Exception {
    String alice = user("alice");
    String bob = user("bob");
    WsClient a = connect(http.signIn(alice, "phone"));
    WsClient b1 = connect(http.signIn(bob, "b1"));
    String b2Token = http.signIn(bob, "b2");
    String held = send(a, bob, "held for b2 only");
    ackAndRead(b1, a, held);

    Http.Reply out = http.delete("/v1/sessions/current", b2Token);

    assertThat(out.status()).isEqualTo(204);
    assertThat(out.raw().body()).isEmpty();
    // A new device gets what the inbox still holds: not the message b2 alone was holding.
    WsClient b3 = connect(http.signIn(bob, "b3"));
    String after = send(a, bob, "after b2 signed out");
    assertThat(b3.next("message", WAIT).get("id").asText()).isEqualTo(after);
  }

  @Test
  void shouldCloseTheOpenSocketOfADeviceThatSignsOut() throws Exception {
    String alice = user("alice");
    String bob = user("bob");
    WsClient a = connect(http.signIn(alice, "phone"));
    WsClient b1 = connect(http.signIn(bob, "b1"));
    String b2Token = http.signIn(bob, "b2");
    WsClient b2 = connect(b2Token);
    String first = send(a, bob, "to both");
    b2.next("message", WAIT);

    assertThat(http.delete("/v1/sessions/current", b2Token).status()).isEqualTo(204);

    assertThat(b2.awaitClose(WAIT)).isEqualTo(4001);
    // b2 no longer holds anything: once b1 has read it, the message is gone for a new device too.
    ackAndRead(b1, a, first);
    WsClient b3 = connect(http.signIn(bob, "b3"));
    String second = send(a, bob, "after b2 left");
    assertThat(b3.next("message", WAIT).get("id").asText()).isEqualTo(second);
  }

  @Test
  void shouldStillAcceptTheStatelessTokenOfASignedOutDeviceUntilItExpires() throws Exception {
    String alice = user("alice");
    String bob = user("bob");
    WsClient a = connect(http.signIn(alice, "phone"));
    String token = http.signIn(bob, "b1");
    assertThat(http.delete("/v1/sessions/current", token).status()).isEqualTo(204);

    // Documented in docs/protocol.md: the token is not revoked; a device using it again is a new device.
    WsClient again = connect(token);
    String id = send(a, bob, "to a device that came back");
    assertThat(again.next("message", WAIT).get("id").asText()).isEqualTo(id);
    assertThat(http.delete("/v1/sessions/current", token).status()).isEqualTo(204);
    assertThat(http.delete("/v1/sessions/current", token).status()).isEqualTo(204); // signing out twice is fine
  }

  @Test
  void shouldRefuseASignOutWithoutAValidToken() throws Exception {
    String bob = user("bob");
    String token = http.signIn(bob, "b1");
    TokenService otherSecret = TokenService.fromSecret("another secret, not the stack's one!", Duration.ofHours(1));
    TokenService expired = new TokenService(secretOfTheStack(), Duration.ofMinutes(-5), Clock.systemUTC());

    Http.Reply none = http.delete("/v1/sessions/current", null);
    assertThat(none.status()).isEqualTo(401);
    assertThat(none.code()).isEqualTo("unauthorized");
    assertThat(none.raw().headers().firstValue("WWW-Authenticate")).isPresent();
    assertThat(http.delete("/v1/sessions/current", "not-a-token").code()).isEqualTo("unauthorized");
    assertThat(http.delete("/v1/sessions/current", token.substring(0, token.length() - 4) + "AAAA").code()).isEqualTo("unauthorized");
    assertThat(http.delete("/v1/sessions/current", otherSecret.issue(bob, "b1")).code()).isEqualTo("unauthorized");
    assertThat(http.delete("/v1/sessions/current", expired.issue(bob, "b1")).code()).isEqualTo("unauthorized");
    assertThat(http.send("DELETE", "/v1/sessions/current", null, "x".repeat(5_000), null).status()).isEqualTo(401);
    // Only the token's own device can be signed out: there is no path naming a device or a user.
    assertThat(http.delete("/v1/sessions/b1", token).status()).isEqualTo(404);
    assertThat(http.delete("/v1/sessions", token).status()).isEqualTo(404);
  }

  @Test
  void shouldSignOutOnlyTheDeviceOfTheTokensOwnUser() throws Exception {
    String alice = user("alice");
    String bob = user("bob");
    String aliceToken = http.signIn(alice, "b2"); // same device name as bob's, another user
    WsClient a = connect(http.signIn(alice, "phone"));
    WsClient b1 = connect(http.signIn(bob, "b1"));
    String b2Token = http.signIn(bob, "b2");

    assertThat(http.delete("/v1/sessions/current", aliceToken).status()).isEqualTo(204);

    String id = send(a, bob, "bob's b2 is still signed in");
    ackAndRead(b1, a, id);
    WsClient b2 = connect(b2Token);
    assertThat(b2.next("message", WAIT).get("id").asText()).isEqualTo(id);
  }

  private static byte[] secretOfTheStack() {
    return it.stack.config().required("auth.token.secret").getBytes(StandardCharsets.UTF_8);
  }
}
