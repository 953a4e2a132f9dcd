package io.parley.sinks.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import io.parley.schemas.ChatMessage;
import io.parley.schemas.LastSeen;
import io.parley.schemas.StoredMessage;
import io.parley.schemas.serde.AvroSerde;
import io.parley.sinks.connect.ParleyConnectors;
import io.parley.sinks.connect.SinkMetrics;
import io.parley.sinks.history.HistoryPage;
import io.parley.sinks.history.HistoryQuery;
import io.parley.sinks.history.HistoryReader;
import io.parley.sinks.history.MessageRow;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/** Both sinks against a real broker, a real Connect worker and a real (forked) Cassandra node. */
@Timeout(180)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SinkConnectorsIT {
  private static final AvroSerde<StoredMessage> MESSAGES = AvroSerde.of(StoredMessage.class);
  private static final AvroSerde<LastSeen> LAST_SEEN = AvroSerde.of(LastSeen.class);
  private static final long DAY = 86_400_000L;
  private static final AtomicInteger IDS = new AtomicInteger();
  private static SinkFixture it;
  private static HistoryReader history;

  @BeforeAll
  static void start() throws Exception {
    it = new SinkFixture();
    history = new HistoryReader(it.session, "parley_it");
  }

  @AfterAll
  static void stop() throws Exception {
    if (it != null) {
      it.close();
    }
  }

  static byte[] message(String conversation, String from, String id, long sentAt) {
    ChatMessage m = ChatMessage.newBuilder().setId(id).setFrom(from).setFromDevice("phone").setConversation(conversation)
        .setBody("body of " + id).setSentAt(sentAt).build();
    return MESSAGES.encode(new StoredMessage(m, sentAt + 1, java.util.List.of()));
  }

  static long rows(String conversation) {
    long count = 0;
    for (Row day : it.session.execute(SimpleStatement.newInstance(
        "SELECT day FROM parley_it.conversation_days WHERE conversation = ?", conversation))) {
      count += it.session.execute(SimpleStatement.newInstance(
          "SELECT count(*) FROM parley_it.messages_by_conversation WHERE conversation = ? AND day = ?",
          conversation, day.getLocalDate(0))).one().getLong(0);
    }
    return count;
  }

  @Test
  @Order(1)
  void shouldWriteExactlyTheExpectedRowsAfterAConnectorRestartMidStream() throws Exception {
    String[] conversations = {"dm:ann" + IDS.incrementAndGet() + ":bob", "dm:cat" + IDS.incrementAndGet() + ":dan"};
    long start = LocalDate.of(2026, 5, 1).toEpochDay() * DAY + DAY - 60_000; // the stream crosses midnight UTC
    int perConversation = 150;
    List<byte[]>[] sent = new List[] {new ArrayList<>(), new ArrayList<>()};
    for (int i = 0; i < perConversation; i++) {
      for (int c = 0; c < 2; c++) {
        String conversation = conversations[c];
        String from = conversation.substring(3, conversation.indexOf(':', 3));
        byte[] value = message(conversation, from, "m" + i, start + i * 1_000L);
        sent[c].add(value);
        it.send(it.topics.messages().name(), conversation, value);
      }
      if (i == perConversation / 2) {
        it.worker.restart(ParleyConnectors.MESSAGES);
      }
    }
    it.worker.awaitRunning(ParleyConnectors.MESSAGES, Duration.ofSeconds(60));
    // and the whole stream once more, as a producer retrying everything would
    for (int c = 0; c < 2; c++) {
      for (byte[] value : sent[c]) {
        it.send(it.topics.messages().name(), conversations[c], value);
      }
    }

    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
      assertThat(rows(conversations[0])).isEqualTo(perConversation);
      assertThat(rows(conversations[1])).isEqualTo(perConversation);
    });
    Thread.sleep(3_000); // the duplicates were written by now too; still exactly one row per message
    assertThat(rows(conversations[0])).isEqualTo(perConversation);
    assertThat(rows(conversations[1])).isEqualTo(perConversation);

    HistoryPage newest = history.read(new HistoryQuery(conversations[0], true, Optional.empty(), Optional.empty(),
        Optional.empty(), 20));
    assertThat(newest.messages()).extracting(MessageRow::messageId).startsWith("m149", "m148").hasSize(20);
    assertThat(newest.messages().get(0).day()).isEqualTo(LocalDate.of(2026, 5, 2));
    HistoryPage older = history.read(new HistoryQuery(conversations[0], true, newest.next(), Optional.empty(),
        Optional.empty(), 200));
    assertThat(older.messages()).hasSize(130).extracting(MessageRow::messageId).endsWith("m0");
    assertThat(older.next()).isEmpty();

    var lines = history.chatList(conversations[0].split(":")[2], Optional.empty(), 10);
    assertThat(lines).filteredOn(l -> l.conversation().equals(conversations[0]))
        .singleElement().satisfies(l -> assertThat(l.lastMessageId()).isEqualTo("m149"));
  }

  @Test
  @Order(2)
  void shouldSendMalformedRecordsToTheDeadLetterTopicAndKeepRunning() throws Exception {
    String conversation = "dm:eve" + IDS.incrementAndGet() + ":fay";
    String user = "gus" + IDS.incrementAndGet();
    double deadBefore = it.metrics.total(ParleyConnectors.MESSAGES, SinkMetrics.DEAD_LETTERS)
        + it.metrics.total(ParleyConnectors.LAST_SEEN, SinkMetrics.DEAD_LETTERS);
    long now = System.currentTimeMillis();

    it.send(it.topics.messages().name(), conversation, "not avro at all".getBytes(StandardCharsets.UTF_8));
    it.send(it.topics.messages().name(), "dm:someone:else", message(conversation, "fay", "wrong-key", now));
    it.send(it.topics.messages().name(), conversation, message(conversation, "fay", "good", now));
    it.send(it.topics.lastSeen().name(), user, new byte[] {(byte) 0xC3, 0x01, 0x00});
    it.send(it.topics.lastSeen().name(), user, LAST_SEEN.encode(new LastSeen("not-" + user, now, true, now)));
    it.send(it.topics.lastSeen().name(), user, LAST_SEEN.encode(new LastSeen(user, now, true, now)));

    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      assertThat(rows(conversation)).isEqualTo(1);
      assertThat(it.session.execute(SimpleStatement.newInstance(
          "SELECT online FROM parley_it.last_seen WHERE user = ?", user)).one()).isNotNull();
    });
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      List<String> reasons = new ArrayList<>();
      for (var record : it.deadLetters()) {
        String key = record.key() == null ? "" : new String(record.key(), StandardCharsets.UTF_8);
        if (key.equals(conversation) || key.equals("dm:someone:else") || key.equals(user)) {
          Header topic = record.headers().lastHeader("__connect.errors.topic");
          reasons.add(new String(topic.value(), StandardCharsets.UTF_8) + ": "
              + new String(record.headers().lastHeader("__connect.errors.exception.message").value(), StandardCharsets.UTF_8));
        }
      }
      assertThat(reasons).hasSize(4)
          .anySatisfy(r -> assertThat(r).startsWith(it.topics.messages().name()).contains("not a StoredMessage"))
          .anySatisfy(r -> assertThat(r).startsWith(it.topics.messages().name()).contains("not the message's conversation"))
          .anySatisfy(r -> assertThat(r).startsWith(it.topics.lastSeen().name()).contains("not a LastSeen"))
          .anySatisfy(r -> assertThat(r).startsWith(it.topics.lastSeen().name()).contains("not the record's user"));
    });
    double deadAfter = it.metrics.total(ParleyConnectors.MESSAGES, SinkMetrics.DEAD_LETTERS)
        + it.metrics.total(ParleyConnectors.LAST_SEEN, SinkMetrics.DEAD_LETTERS);
    assertThat(deadAfter - deadBefore).isEqualTo(4);
    it.worker.awaitRunning(ParleyConnectors.MESSAGES, Duration.ofSeconds(5));
    it.worker.awaitRunning(ParleyConnectors.LAST_SEEN, Duration.ofSeconds(5));
  }

  @Test
  @Order(3)
  void shouldKeepTheLatestLastSeenWhateverTheOrderAndForgetOnATombstone() throws Exception {
    String user = "hal" + IDS.incrementAndGet();
    String topic = it.topics.lastSeen().name();
    it.send(topic, user, LAST_SEEN.encode(new LastSeen(user, 2_000_000L, false, 2_000_500L)));
    it.send(topic, user, LAST_SEEN.encode(new LastSeen(user, 1_000_000L, true, 1_000_500L))); // older, arriving late
    SimpleStatement select = SimpleStatement.newInstance("SELECT last_seen, online FROM parley_it.last_seen WHERE user = ?", user);
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      Row row = it.session.execute(select).one();
      assertThat(row).isNotNull();
      assertThat(row.getInstant("last_seen").toEpochMilli()).isEqualTo(2_000_000L);
      assertThat(row.getBoolean("online")).isFalse();
    });

    it.send(topic, user, null);
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(it.session.execute(select).one()).isNull());
  }

  @Test
  @Order(4)
  @Timeout(300)
  void shouldLoseNothingWhenCassandraStopsAndRestartsWhileRecordsFlow() throws Exception {
    String conversation = "dm:ivy" + IDS.incrementAndGet() + ":joe";
    double retriesBefore = it.metrics.total(ParleyConnectors.MESSAGES, SinkMetrics.RETRIES);
    AtomicInteger produced = new AtomicInteger();
    long base = System.currentTimeMillis();
    Thread flow = new Thread(() -> {
      try {
        while (produced.get() < 400) {
          int i = produced.getAndIncrement();
          it.send(it.topics.messages().name(), conversation, message(conversation, "joe", "n" + i, base + i));
          Thread.sleep(25);
        }
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }, "records-flow");
    flow.start();
    await().atMost(Duration.ofSeconds(30)).until(() -> rows(conversation) > 50);

    it.cassandra.stop();
    // Records keep flowing into Kafka while the node is down and while it starts again (10-50 s on
    // this machine); the sink retries with backoff and must catch up without losing one.
    Thread.sleep(5_000);
    it.cassandra.restart();

    flow.join(60_000);
    assertThat(produced.get()).isEqualTo(400);
    await().atMost(Duration.ofSeconds(120)).ignoreExceptions()
        .untilAsserted(() -> assertThat(rows(conversation)).isEqualTo(400));
    assertThat(it.metrics.total(ParleyConnectors.MESSAGES, SinkMetrics.RETRIES)).isGreaterThan(retriesBefore);
    it.worker.awaitRunning(ParleyConnectors.MESSAGES, Duration.ofSeconds(5));
  }
}
