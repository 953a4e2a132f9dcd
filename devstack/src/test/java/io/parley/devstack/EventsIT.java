package io.parley.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.kafka.Topic;
import io.parley.kafka.Topics;
import io.parley.schemas.AppEvent;
import io.parley.schemas.LastSeen;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * App and user events through the real stack: the gateway records connections and the clients'
 * {@code event} frames, the directory records sign-ins, all on the events topic keyed by user, and
 * last seen counts them. Hostile event frames get an error and leave the socket and its data intact.
 */
@Timeout(120)
class EventsIT {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final AtomicInteger USERS = new AtomicInteger();
  private static StackFixture it;
  private static Topics topics;
  private static Http http;

  @BeforeAll
  static void start() throws Exception {
    it = new StackFixture(1, Map.of("lastseen.interval", "2s"));
    topics = Topics.from(it.stack.config());
    http = new Http(it.stack.gateway(0).uri());
  }

  @AfterAll
  static void stop() throws Exception {
    it.close();
  }

  private static String user(String name) throws Exception {
    String id = name + USERS.incrementAndGet();
    it.users(id);
    return id;
  }

  /** Every record of the topic so far whose key is {@code user}, in order. */
  private static <V> List<V> records(Topic<String, V> topic, String user) {
    Map<String, Object> props = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, it.stack.bootstrapServers(),
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    try (KafkaConsumer<String, V> consumer = new KafkaConsumer<>(props, new StringDeserializer(), topic.valueSerde().deserializer())) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic.name()).stream()
          .map(p -> new TopicPartition(topic.name(), p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      List<V> out = new ArrayList<>();
      long deadline = System.currentTimeMillis() + 10_000;
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p)) && System.currentTimeMillis() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(r -> {
          if (user.equals(r.key())) {
            out.add(r.value());
          }
        });
      }
      return out;
    }
  }

  private static List<String> eventNames(String user) {
    return records(topics.events(), user).stream().map(AppEvent::getName).collect(Collectors.toList());
  }

  @Test
  void shouldRecordConnectionsAndTheClientsEventsKeyedByUser() throws Exception {
    String alice = user("alice");
    WsClient a = it.connect(0, alice, "phone");
    a.sendRaw("{\"type\":\"event\",\"name\":\"app_background\"}");
    a.sendRaw("{\"type\":\"event\",\"name\":\"app_foreground\"}");
    Awaitility.await().atMost(WAIT).untilAsserted(() ->
        assertThat(eventNames(alice)).containsExactly("connection_opened", "app_background", "app_foreground"));

    a.close();
    Awaitility.await().atMost(WAIT).untilAsserted(() -> {
      List<AppEvent> events = records(topics.events(), alice);
      assertThat(events).extracting(AppEvent::getName)
          .containsExactly("connection_opened", "app_background", "app_foreground", "connection_closed");
      assertThat(events).allSatisfy(e -> {
        assertThat(e.getUser()).isEqualTo(alice);
        assertThat(e.getDevice()).isEqualTo("phone");
        assertThat(e.getSource()).isEqualTo("gateway-" + it.stack.gateway(0).gatewayId());
        assertThat(e.getSession()).isEqualTo(events.get(0).getSession()).isNotBlank();
      });
      assertThat(events).extracting(AppEvent::getAt).isSorted();
    });
  }

  @Test
  void shouldRecordASignInAndCountItForLastSeen() throws Exception {
    String bob = user("bob");
    long before = System.currentTimeMillis();
    http.signIn(bob, "tablet");

    Awaitility.await().atMost(WAIT).untilAsserted(() -> assertThat(records(topics.events(), bob)).singleElement().satisfies(e -> {
      assertThat(e.getName()).isEqualTo("signed_in");
      assertThat(e.getDevice()).isEqualTo("tablet");
      assertThat(e.getSource()).isEqualTo("directory");
      assertThat(e.getSession()).isNull();
    }));
    // bob never connected: only the sign-in event can have made him seen
    Awaitility.await().atMost(WAIT).untilAsserted(() -> assertThat(records(topics.lastSeen(), bob)).singleElement().satisfies(p -> {
      assertThat(p.getOnline()).isFalse();
      assertThat(p.getLastSeen()).isGreaterThanOrEqualTo(before);
    }));
  }

  @Test
  void shouldMoveLastSeenOnAnAppEvent() throws Exception {
    String carol = user("carol");
    WsClient c = it.connect(0, carol, "phone");
    Awaitility.await().atMost(WAIT).until(() -> records(topics.lastSeen(), carol).stream().anyMatch(LastSeen::getOnline));
    long opened = records(topics.lastSeen(), carol).get(0).getLastSeen();

    Thread.sleep(50); // the event's time must be later than the connection's to be seen moving
    c.sendRaw("{\"type\":\"event\",\"name\":\"app_background\"}");

    Awaitility.await().atMost(WAIT).untilAsserted(() -> assertThat(records(topics.lastSeen(), carol))
        .last().satisfies(p -> assertThat(p.getLastSeen()).isGreaterThan(opened)));
  }

  @Test
  void shouldRefuseHostileEventFramesAndKeepTheSocketAndItsData() throws Exception {
    String dan = user("dan");
    String peer = user("peer");
    WsClient d = it.connect(0, dan, "phone");
    WsClient p = it.connect(0, peer, "phone");
    String[] hostile = {
        "{\"type\":\"event\",\"name\":\"app_exploded\"}",
        "{\"type\":\"event\",\"name\":\"signed_in\"}",
        "{\"type\":\"event\"}",
        "{\"type\":\"event\",\"name\":{\"$gt\":\"\"}}",
        "{\"type\":\"event\",\"name\":\"app_foreground\"",
        "{\"type\":\"event\",\"name\":\"" + "x".repeat(200_000) + "\"}",
        "{\"type\":\"event\",\"name\":\"app_foreground\\u0000\"}"};
    for (String frame : hostile) {
      d.sendRaw(frame);
      JsonNode error = d.next("error", WAIT);
      assertThat(error.get("code").asText()).isIn("bad_request", "too_large");
      assertThat(error.get("message").asText()).hasSizeLessThan(300);
    }
    d.sendRaw("{\"type\":\"event\",\"name\":\"app_exploded\"}");
    assertThat(d.next("error", WAIT).get("message").asText()).contains("unknown event").contains("app_foreground");

    String id = d.send(peer, "still here");
    assertThat(d.next(f -> "sent".equals(f.path("type").asText()) && id.equals(f.path("id").asText()), WAIT)).isNotNull();
    assertThat(p.next("message", WAIT).get("body").asText()).isEqualTo("still here");
    d.sendRaw("{\"type\":\"event\",\"name\":\"app_background\"}");
    assertThat(d.isOpen()).isTrue();

    // only the connection and the one valid event reached the topic
    Awaitility.await().atMost(WAIT).untilAsserted(() ->
        assertThat(eventNames(dan)).containsExactly("connection_opened", "app_background"));
  }
}
