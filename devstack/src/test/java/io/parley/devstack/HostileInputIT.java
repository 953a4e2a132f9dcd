package io.parley.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.auth.TokenService;
import io.parley.gateway.session.ClientSocket;
import io.parley.kafka.Topics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.eclipse.jetty.websocket.api.exceptions.UpgradeException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Malformed, oversized, unauthorized and hostile input: a clear error, an open socket, no lost data. */
@Timeout(120)
class HostileInputIT {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final AtomicInteger USERS = new AtomicInteger();
  private static StackFixture it;

  @BeforeAll
  static void start() throws Exception {
    it = new StackFixture(1);
  }

  @AfterAll
  static void stop() throws Exception {
    it.close();
  }

  static String user(String name) throws Exception {
    String id = name + USERS.incrementAndGet();
    it.users(id);
    return id;
  }

  private static String code(JsonNode error) {
    return error.get("code").asText();
  }

  /** After any refusal the socket still carries a real message both ways. */
  private static void assertStillWorks(WsClient from, String fromUser) throws Exception {
    String peer = user("peer");
    WsClient p = it.connect(0, peer, "phone");
    String id = from.send(peer, "still here");
    assertThat(from.next(f -> "sent".equals(f.path("type").asText()) && id.equals(f.path("id").asText()), WAIT)).isNotNull();
    JsonNode m = p.next("message", WAIT);
    assertThat(m.get("from").asText()).isEqualTo(fromUser);
    assertThat(from.isOpen()).isTrue();
  }

  @Test
  void shouldAnswerMalformedFramesWithBadRequestAndKeepTheSocket() throws Exception {
    String alice = user("alice");
    WsClient a = it.connect(0, alice, "phone");
    String[] frames = {
        "not json", "[1,2,3]", "{\"type\":\"teleport\"}", "{\"no\":\"type\"}",
        "{\"type\":\"send\",\"id\":\"x\",\"to\":{\"user\":\"'; DROP TABLE users; --\"},\"body\":\"hi\"}",
        "{\"type\":\"send\",\"id\":\"x\",\"to\":{\"group\":\"../../etc\"},\"body\":\"hi\"}",
        "{\"type\":\"ack\",\"seq\":-4,\"status\":\"read\"}",
        "{\"type\":\"sync\",\"after\":\"everything\"}",
    };
    for (String frame : frames) {
      a.sendRaw(frame);
      assertThat(code(a.next("error", WAIT))).as(frame).isEqualTo("bad_request");
    }
    assertStillWorks(a, alice);
  }

  @Test
  void shouldRefuseAnOversizedFrameWithTooLarge() throws Exception {
    String alice = user("alice");
    WsClient a = it.connect(0, alice, "phone");

    a.sendRaw("{\"type\":\"send\",\"id\":\"big\",\"to\":{\"user\":\"bob\"},\"body\":\"" + "x".repeat(200_000) + "\"}");
    assertThat(code(a.next("error", WAIT))).isEqualTo("too_large");

    a.sendRaw("{\"type\":\"send\",\"id\":\"long\",\"to\":{\"user\":\"bob\"},\"body\":\"" + "y".repeat(20_000) + "\"}");
    JsonNode error = a.next("error", WAIT);
    assertThat(code(error)).isEqualTo("too_large");
    assertThat(error.get("ref").asText()).isEqualTo("long");

    assertStillWorks(a, alice);
  }

  @Test
  void shouldRefuseBinaryFrames() throws Exception {
    String alice = user("alice");
    WsClient a = it.connect(0, alice, "phone");
    a.sendBinary(new byte[] {0, 1, 2, (byte) 0xff});
    assertThat(code(a.next("error", WAIT))).isEqualTo("bad_request");
    assertStillWorks(a, alice);
  }

  @Test
  void shouldRateLimitAFloodOfSendsWithoutClosingTheSocket() throws Exception {
    String alice = user("alice");
    String bob = user("bob");
    WsClient a = it.connect(0, alice, "phone");
    WsClient b = it.connect(0, bob, "phone");
    for (int i = 0; i < 60; i++) {
      a.send(bob, "flood " + i);
    }
    JsonNode limited = a.next("error", WAIT);
    assertThat(code(limited)).isEqualTo("rate_limited");
    assertThat(limited.has("ref")).isTrue();

    // Every message the gateway accepted (answered "sent") is delivered; nothing else is.
    int sent = a.drain("sent", Duration.ofSeconds(3)).size();
    assertThat(sent).isBetween(1, 59);
    assertThat(b.drain("message", Duration.ofSeconds(3))).hasSize(sent);
    Thread.sleep(1_100);
    assertStillWorks(a, alice);
  }

  @Test
  void shouldCloseASocketThatKeepsSendingGarbage() throws Exception {
    WsClient a = it.connect(0, user("mallory"), "phone");
    for (int i = 0; i < 40 && a.isOpen(); i++) {
      try {
        a.sendRaw("garbage " + i);
      } catch (Exception closedMeanwhile) {
        break;
      }
    }
    assertThat(a.awaitClose(WAIT)).isEqualTo(ClientSocket.CLOSE_ABUSE);
  }

  @Test
  void shouldRefuseUpgradesWithoutAValidToken() throws Exception {
    URI ws = it.stack.gateway(0).webSocketUri();
    TokenService forger = TokenService.fromSecret("an-attacker-guessed-this-secret-1234", Duration.ofHours(1));
    TokenService past = new TokenService(it.stack.config().required("auth.token.secret").getBytes(StandardCharsets.UTF_8),
        Duration.ofHours(1), Clock.fixed(Instant.now().minus(Duration.ofDays(2)), ZoneOffset.UTC));
    for (String token : new String[] {null, "", "garbage", forger.issue("alice", "phone"), past.issue("alice", "phone")}) {
      assertThatThrownBy(() -> WsClient.connect(it.client, ws, token))
          .as(String.valueOf(token))
          .hasRootCauseInstanceOf(org.eclipse.jetty.websocket.core.exception.UpgradeException.class)
          .rootCause().hasMessageContaining("401");
    }
  }

  @Test
  void shouldAcceptTheTokenAsAQueryParameterForBrowsers() throws Exception {
    String alice = user("alice");
    URI ws = URI.create(it.stack.gateway(0).webSocketUri() + "?access_token=" + it.stack.tokens().issue(alice, "web"));
    WsClient a = WsClient.connect(it.client, ws, null);
    assertStillWorks(a, alice);
  }

  @Test
  void shouldAnswerPlainHttpOnTheSocketPathWithUpgradeRequired() throws Exception {
    HttpResponse<String> response = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(it.stack.gateway(0).uri().resolve("/v1/ws")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(426);
    assertThat(response.body()).contains("upgrade_required");
  }

  @Test
  void shouldSendCorruptMailboxRecordsToTheDeadLetterTopicAndKeepRouting() throws Exception {
    Topics topics = Topics.withDefaults();
    byte[] garbage = "\u0000\u0001 not a mailbox command".getBytes(StandardCharsets.ISO_8859_1);
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, it.stack.bootstrapServers()), new ByteArraySerializer(), new ByteArraySerializer())) {
      producer.send(new ProducerRecord<>(topics.mailbox().name(), "victim".getBytes(StandardCharsets.UTF_8), garbage)).get();
    }

    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, it.stack.bootstrapServers(),
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      TopicPartition dlq = new TopicPartition(topics.deadLetters().name(), 0);
      consumer.assign(java.util.List.of(dlq));
      consumer.seekToBeginning(java.util.List.of(dlq));
      long deadline = System.currentTimeMillis() + TimeUnit.SECONDS.toMillis(20);
      boolean found = false;
      while (!found && System.currentTimeMillis() < deadline) {
        for (var r : consumer.poll(Duration.ofMillis(200))) {
          found |= java.util.Arrays.equals(r.value(), garbage);
        }
      }
      assertThat(found).as("the corrupt record reached the dead-letter topic").isTrue();
    }
    String alice = user("alice");
    assertStillWorks(it.connect(0, alice, "phone"), alice);
  }
}
