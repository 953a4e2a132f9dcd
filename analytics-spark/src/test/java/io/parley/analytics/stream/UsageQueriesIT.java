package io.parley.analytics.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.parley.analytics.LocalSpark;
import io.parley.analytics.messages.ParleyRecords;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The usage queries against a real broker (a forked KRaft node) on Spark {@code local[2]}, fed
 * events encoded as the gateways and the directory write them: active users per hour and per day,
 * and the length of every session that was opened and closed; an undecodable event is skipped.
 */
class UsageQueriesIT {
  private static final ObjectMapper json = new ObjectMapper();
  private static final Instant HOUR = Instant.parse("2026-11-30T10:00:00Z");

  @TempDir
  static Path dir;

  private static ForkedKafka kafka;
  private static SparkSession spark;

  private final String prefix = "it" + UUID.randomUUID().toString().substring(0, 8) + ".";
  private final AnalyticsTopics topics = new AnalyticsTopics(prefix);

  @BeforeAll
  static void start() throws Exception {
    kafka = ForkedKafka.start(Files.createDirectories(dir.resolve("kafka")));
    spark = LocalSpark.start("usage-queries-it", 2);
  }

  @AfterAll
  static void stop() throws Exception {
    if (spark != null) {
      spark.stop();
    }
    if (kafka != null) {
      kafka.close();
    }
  }

  private static long at(int seconds) {
    return HOUR.plusSeconds(seconds).toEpochMilli();
  }

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void shouldCountActiveUsersPerHourAndDayAndMeasureSessions() throws Exception {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
      admin.createTopics(List.of(new NewTopic(topics.events(), 2, (short) 1))).all().get();
    }
    topics.ensure(kafka.bootstrapServers());
    assertThat(topics.eventsExist(kafka.bootstrapServers())).isTrue();
    List<ProducerRecord<byte[], byte[]>> events = new ArrayList<>();
    event(events, "alice", ParleyRecords.event("alice", "connection_opened", at(60), "s1"));
    event(events, "alice", ParleyRecords.event("alice", "app_background", at(100), "s1"));
    event(events, "bob", ParleyRecords.event("bob", "connection_opened", at(120), "s2"));
    event(events, "alice", ParleyRecords.event("alice", "connection_closed", at(150), "s1"));
    event(events, "bob", ParleyRecords.event("bob", "connection_closed", at(150), "s2"));
    event(events, "carol", ParleyRecords.event("carol", "signed_in", at(200), null));
    event(events, "dave", "not an event".getBytes(StandardCharsets.UTF_8));
    event(events, "erin", ParleyRecords.event("erin", "connection_opened", at(300), "s3")); // never closed
    event(events, "alice", ParleyRecords.event("alice", "app_foreground", at(3_900), "s4")); // the next hour
    produce(events);

    JobConfig config = new JobConfig(kafka.bootstrapServers(), prefix, dir.resolve(prefix + "checkpoints").toString(), "earliest",
        Duration.ofMillis(500), Duration.ofMinutes(10), Duration.ofMinutes(1), Duration.ofMinutes(10), "127.0.0.1", 0);
    List<StreamingQuery> queries = UsageQueries.start(spark, config, topics);
    try {
      for (StreamingQuery q : queries) {
        q.processAllAvailable();
      }
      Map<String, JsonNode> usage = latest(topics.usage());
      assertThat(usage.keySet()).containsExactlyInAnyOrder(
          "active-users|hour|2026-11-30T10:00:00Z", "active-users|hour|2026-11-30T11:00:00Z",
          "active-users|day|2026-11-30T00:00:00Z", "session|s1", "session|s2");
      JsonNode ten = usage.get("active-users|hour|2026-11-30T10:00:00Z");
      assertThat(ten.get("kind").asText()).isEqualTo("active_users");
      assertThat(ten.get("period").asText()).isEqualTo("hour");
      assertThat(Instant.parse(ten.get("start").asText())).isEqualTo(HOUR);
      assertThat(Instant.parse(ten.get("end").asText())).isEqualTo(HOUR.plusSeconds(3_600));
      assertThat(ten.get("users").asLong()).isEqualTo(4); // alice, bob, carol, erin
      assertThat(usage.get("active-users|hour|2026-11-30T11:00:00Z").get("users").asLong()).isEqualTo(1);
      assertThat(usage.get("active-users|day|2026-11-30T00:00:00Z").get("users").asLong()).isEqualTo(4);

      JsonNode s1 = usage.get("session|s1");
      assertThat(s1.get("kind").asText()).isEqualTo("session");
      assertThat(s1.get("user").asText()).isEqualTo("alice");
      assertThat(s1.get("openedAt").asLong()).isEqualTo(at(60));
      assertThat(s1.get("closedAt").asLong()).isEqualTo(at(150));
      assertThat(s1.get("seconds").asDouble()).isEqualTo(90.0);
      assertThat(usage.get("session|s2").get("seconds").asDouble()).isEqualTo(30.0);
      assertThat(queries).allSatisfy(q -> assertThat(q.isActive()).isTrue()); // the bad record stopped nothing
    } finally {
      for (StreamingQuery q : queries) {
        q.stop();
      }
    }
  }

  private void event(List<ProducerRecord<byte[], byte[]>> out, String user, byte[] value) {
    out.add(new ProducerRecord<>(topics.events(), user.getBytes(StandardCharsets.UTF_8), value));
  }

  private void produce(List<ProducerRecord<byte[], byte[]>> records) throws Exception {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
      for (ProducerRecord<byte[], byte[]> r : records) {
        producer.send(r).get();
      }
    }
  }

  private Map<String, JsonNode> latest(String topic) throws Exception {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    Map<String, JsonNode> latest = new LinkedHashMap<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          latest.put(new String(r.key(), StandardCharsets.UTF_8), json.readTree(r.value()));
        }
      }
    }
    return latest;
  }
}
