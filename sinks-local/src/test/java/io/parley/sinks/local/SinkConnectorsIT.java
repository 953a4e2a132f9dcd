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
          "SELECT count(*) FROM parley_it.conversation_messages WHERE conversation = ? AND day = ?",
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

    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
      assertThat(rows(conversations[0])).isEqualTo(perConversation);
      assertThat(rows(conversations[1])).isEqualTo(perConversation);
    });
    Thread.sleep(3_000); // what the restarted task replayed was written by now too: still one row per record
    assertThat(rows(conversations[0])).isEqualTo(perConversation);
    assertThat(rows(conversations[1])).isEqualTo(perConversation);

    // The whole stream once more, as a producer retrying everything would: new records (new log
    // positions) of the same messages. The rows double; the history lists each message once.
    for (int c = 0; c < 2; c++) {
      for (byte[] value : sent[c]) {
        it.send(it.topics.messages().name(), conversations[c], value);
      }
    }
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(rows(conversations[0])).isEqualTo(2L * perConversation));

    HistoryPage newest = history.read(new HistoryQuery(conversations[0], true, Optional.empty(), Optional.empty(),
        Optional.empty(), 20));
    assertThat(newest.messages()).extracting(MessageRow::messageId).startsWith("m149", "m148").hasSize(20);
    assertThat(newest.messages().get(0).day()).isEqualTo(LocalDate.of(2026, 5, 2));
    HistoryPage older = history.read(new HistoryQuery(conversations[0], true, newest.next(), Optional.empty(),
        Optional.empty(), 200));
    assertThat(older.messages()).hasSize(130).extracting(MessageRow::messageId).endsWith("m0");
    assertThat(older.next()).isEmpty();

    assertThat(older.messages()).extracting(MessageRow::messageId).doesNotHaveDuplicates();
    List<String> everyPageOfOne = new ArrayList<>();
    Optional<io.parley.sinks.history.MessagePosition> cursor = Optional.empty();
    do {
      HistoryPage page = history.read(new HistoryQuery(conversations[0], true, cursor, Optional.empty(), Optional.empty(), 1));
      page.messages().forEach(m -> everyPageOfOne.add(m.messageId()));
      cursor = page.next();
    } while (cursor.isPresent());
    assertThat(everyPageOfOne).as("pages of one, each ending between the two rows of a message")
        .hasSize(perConversation).doesNotHaveDuplicates().startsWith("m149").endsWith("m0");

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

  @Test
  @Order(5)
  void shouldListABurstSentInOneMillisecondInTheOrderItWasStored() throws Exception {
    String conversation = "dm:hal" + IDS.incrementAndGet() + ":ivy";
    String hal = conversation.substring(3, conversation.indexOf(':', 3));
    long at = System.currentTimeMillis();
    // ids and senders that sort nothing like the order they were sent in
    String[][] burst = {{hal, "z0"}, {hal, "a1"}, {"ivy", "m2"}, {hal, "b3"}, {"ivy", "a4"}, {hal, "y5"}};
    for (String[] m : burst) {
      it.send(it.topics.messages().name(), conversation, message(conversation, m[0], m[1], at));
    }
    await().atMost(Duration.ofSeconds(60)).until(() -> rows(conversation) == burst.length);

    HistoryPage page = history.read(new HistoryQuery(conversation, true, Optional.empty(), Optional.empty(), Optional.empty(), 50));
    assertThat(page.messages()).extracting(MessageRow::messageId).containsExactly("y5", "a4", "b3", "m2", "a1", "z0");
    HistoryPage forwards = history.read(new HistoryQuery(conversation, false, Optional.of(
        io.parley.sinks.history.MessagePosition.startOf(at)), Optional.empty(), Optional.empty(), 4));
    assertThat(forwards.messages()).extracting(MessageRow::messageId).containsExactly("z0", "a1", "m2", "b3");
    HistoryPage rest = history.read(new HistoryQuery(conversation, false, forwards.next(), Optional.empty(), Optional.empty(), 4));
    assertThat(rest.messages()).extracting(MessageRow::messageId).containsExactly("a4", "y5");
  }

  @Test
  @Order(6)
  void shouldCarryVersionOneHistoryOverInItsOldOrderAndListAReplayedMessageOnce() throws Exception {
    String keyspace = "parley_upgrade";
    // a keyspace as version 1 left it: only the version 1 tables, version 1 recorded
    it.session.execute("CREATE KEYSPACE IF NOT EXISTS " + keyspace + " WITH replication = "
        + io.parley.sinks.cassandra.CassandraSettings.DEFAULT_REPLICATION);
    it.session.execute("CREATE TABLE IF NOT EXISTS " + keyspace + ".schema_version (component text, version int, "
        + "script text, checksum text, applied_at timestamp, PRIMARY KEY (component, version))");
    for (String statement : io.parley.sinks.cassandra.CqlSchema.statements(
        io.parley.sinks.cassandra.CqlSchema.scripts().get(0).text().replace("${keyspace}", keyspace))) {
      it.session.execute(SimpleStatement.newInstance(statement).setTimeout(Duration.ofSeconds(30)));
    }
    it.session.execute(SimpleStatement.newInstance("INSERT INTO " + keyspace + ".schema_version "
        + "(component, version, script, checksum, applied_at) VALUES ('history', 1, 'V1__history.cql', 'x', toTimestamp(now()))"));
    String conversation = "dm:jo:kim";
    long at = LocalDate.of(2026, 4, 2).toEpochDay() * DAY + 5_000;
    String[][] rows = {{"jo", "b"}, {"kim", "a"}, {"jo", "a"}, {"jo", "c"}};
    for (String[] r : rows) {
      it.session.execute(SimpleStatement.newInstance("INSERT INTO " + keyspace + ".messages_by_conversation "
          + "(conversation, day, sent_at, sender, message_id, sender_device, body, stored_at) VALUES (?, ?, ?, ?, ?, 'phone', ?, ?)",
          conversation, LocalDate.of(2026, 4, 2), java.time.Instant.ofEpochMilli(at), r[0], r[1], r[0] + "/" + r[1],
          java.time.Instant.ofEpochMilli(at)));
    }
    it.session.execute(SimpleStatement.newInstance("INSERT INTO " + keyspace + ".conversation_days (conversation, day) "
        + "VALUES (?, ?)", conversation, LocalDate.of(2026, 4, 2)));

    // every version after 1, in order (2: the conversation order, 3: tags and trends)
    assertThat(io.parley.sinks.cassandra.CqlSchema.migrate(it.session, keyspace,
        io.parley.sinks.cassandra.CassandraSettings.DEFAULT_REPLICATION)).containsExactly(2, 3);
    HistoryReader upgraded = new HistoryReader(it.session, keyspace);
    HistoryPage page = upgraded.read(new HistoryQuery(conversation, true, Optional.empty(), Optional.empty(), Optional.empty(), 10));
    assertThat(page.messages()).extracting(m -> m.sender() + "/" + m.messageId()).as("version 1's order: sender, then id")
        .containsExactly("kim/a", "jo/c", "jo/b", "jo/a");
    assertThat(page.messages()).extracting(MessageRow::body).containsExactly("kim/a", "jo/c", "jo/b", "jo/a");

    // the sink replays its last batch after the upgrade: jo/c again, now with its log position
    var writer = new io.parley.sinks.history.HistoryWriter(it.session, keyspace, new io.parley.sinks.history.MessageRows(120),
        io.parley.sinks.cassandra.WriteLimits.DEFAULTS);
    writer.write(List.of(new io.parley.sinks.history.MessageRows(120).fromRecord(17, conversation,
        message(conversation, "jo", "c", at))));
    assertThat(upgraded.read(new HistoryQuery(conversation, true, Optional.empty(), Optional.empty(), Optional.empty(), 10))
        .messages()).extracting(MessageRow::messageId).containsExactly("c", "a", "b", "a");
    for (boolean newestFirst : new boolean[] {true, false}) {
      List<String> listed = new ArrayList<>();
      Optional<io.parley.sinks.history.MessagePosition> cursor = newestFirst ? Optional.empty()
          : Optional.of(io.parley.sinks.history.MessagePosition.startOf(at));
      do {
        HistoryPage one = upgraded.read(new HistoryQuery(conversation, newestFirst, cursor, Optional.empty(), Optional.empty(), 1));
        one.messages().forEach(m -> listed.add(m.sender() + "/" + m.messageId()));
        cursor = one.next();
      } while (cursor.isPresent());
      assertThat(listed).as(newestFirst ? "paging back" : "paging forwards").hasSize(4).doesNotHaveDuplicates();
    }
    // run again (a second process starting): nothing changes
    assertThat(io.parley.sinks.cassandra.CqlSchema.migrate(it.session, keyspace,
        io.parley.sinks.cassandra.CassandraSettings.DEFAULT_REPLICATION)).isEmpty();
    assertThat(io.parley.sinks.history.ConversationOrderCopy.run(it.session, keyspace)).isEqualTo(4);
    assertThat(it.session.execute("SELECT count(*) FROM " + keyspace + ".conversation_messages").one().getLong(0)).isEqualTo(5);
  }
}
