package io.parley.analytics.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.parley.analytics.LocalSpark;
import io.parley.analytics.messages.ParleyRecords;
import io.parley.analytics.tagging.Corpus;
import io.parley.analytics.tagging.EmbeddingTopicModel;
import io.parley.analytics.tagging.Tagger;
import io.parley.analytics.tagging.Vocabulary;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
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
import org.apache.kafka.common.header.Header;
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
 * The streaming job against a real broker (a forked KRaft node) on Spark {@code local[2]}, fed
 * records encoded as the topology writes them to {@code messages}: every message comes out tagged,
 * every record that does not decode is dead-lettered with its reason, trends count each message once
 * per window, and a restart from the checkpoint, fed the same messages again, counts nothing twice.
 */
class TaggingJobIT {
  private static final ObjectMapper json = new ObjectMapper();
  private static final String MODEL_DIGEST = "it";

  @TempDir
  static Path dir;

  private static ForkedKafka kafka;
  private static SparkSession spark;
  private static Tagger tagger;

  private final String prefix = "it" + UUID.randomUUID().toString().substring(0, 8) + ".";
  private final AnalyticsTopics topics = new AnalyticsTopics(prefix);
  // Every message was sent at one instant, so each falls in the same ten windows.
  private final long sentAt = Instant.now().truncatedTo(ChronoUnit.MINUTES).minusSeconds(90).toEpochMilli();

  @BeforeAll
  static void start() throws Exception {
    kafka = ForkedKafka.start(java.nio.file.Files.createDirectories(dir.resolve("kafka")));
    spark = LocalSpark.start("tagging-job-it", 2);
    Corpus corpus = Corpus.read(Path.of("corpus"));
    tagger = new Tagger(EmbeddingTopicModel.train(Corpus.frame(spark, corpus.train()), MODEL_DIGEST), Vocabulary.of(corpus.train()));
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

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void shouldTagMessagesDeadLetterCorruptRecordsAndCountTrendsOnceAcrossARestart() throws Exception {
    createMessagesTopic();
    Map<String, byte[]> messages = new LinkedHashMap<>();
    messages.put("alice/s1", ParleyRecords.current("alice", "s1", "dm:alice:bob", "what a goal in the derby, the striker is on fire", sentAt));
    messages.put("bob/t1", ParleyRecords.firstVersion("bob", "t1", "dm:alice:bob", "my laptop won't boot since the os update", sentAt));
    messages.put("carol/f1", ParleyRecords.current("carol", "f1", "group:g1", "i'm baking sourdough bread and a lemon tart tonight", sentAt));
    messages.put("dan/e1", ParleyRecords.current("dan", "e1", "group:g1", "", sentAt));
    messages.put("erin/j1", ParleyRecords.current("erin", "j1", "group:g1", "😂😂🎉", sentAt));
    messages.put("fay/n1", ParleyRecords.current("fay", "n1", "dm:fay:gus", "明日の会議は何時からですか", sentAt));
    messages.put("gus/l1", ParleyRecords.current("gus", "l1", "dm:fay:gus",
        "the parliament vote on the election bill was close. ".repeat(320), sentAt));
    Map<String, byte[]> corrupt = Map.of(
        "not-avro", "{\"body\": \"plain json\"}".getBytes(StandardCharsets.UTF_8),
        "unknown-schema", ParleyRecords.unknownFingerprint(),
        "empty", new byte[0],
        "corrupt", java.util.Arrays.copyOf(messages.get("alice/s1"), 20));
    produce(messages);
    produce(corrupt);

    JobConfig config = new JobConfig(kafka.bootstrapServers(), prefix, dir.resolve(prefix + "checkpoints").toString(), "earliest",
        Duration.ofMillis(500), Duration.ofMinutes(10), Duration.ofMinutes(1), Duration.ofMinutes(10), "127.0.0.1", 0);
    Map<String, JsonNode> tags;
    try (TaggingJob job = TaggingJob.start(spark, config, tagger)) {
      drain(job);

      tags = latest(topics.messageTags());
      assertThat(tags.keySet()).containsExactlyInAnyOrderElementsOf(messages.keySet());
      assertThat(tags.get("alice/s1").get("tag").asText()).isEqualTo("sports");
      assertThat(tags.get("bob/t1").get("tag").asText()).isEqualTo("technology");
      assertThat(tags.get("carol/f1").get("tag").asText()).isEqualTo("food");
      assertThat(tags.get("gus/l1").get("tag").asText()).isEqualTo("politics");
      assertThat(tags.get("dan/e1").get("tag").asText()).isEqualTo("other");
      assertThat(tags.get("erin/j1").get("tag").asText()).isEqualTo("other");
      assertThat(tags.get("fay/n1").get("tag").asText()).isEqualTo("other");
      JsonNode first = tags.get("alice/s1");
      assertThat(first.get("messageId").asText()).isEqualTo("s1");
      assertThat(first.get("sender").asText()).isEqualTo("alice");
      assertThat(first.get("conversation").asText()).isEqualTo("dm:alice:bob");
      assertThat(first.get("model").asText()).isEqualTo(tagger.model().version());
      assertThat(Instant.parse(first.get("eventTime").asText()).toEpochMilli()).isEqualTo(sentAt);
      assertThat(first.get("score").asDouble()).isBetween(Tagger.MIN_SCORE, 1.0);
      assertThat(first.get("tags")).hasSize(3);

      List<ConsumerRecord<byte[], byte[]>> dead = readAll(topics.deadLetters());
      assertThat(dead).hasSize(corrupt.size());
      for (ConsumerRecord<byte[], byte[]> r : dead) {
        String reason = header(r, TaggingJob.DLQ_REASON);
        assertThat(corrupt).containsKey(reason);
        assertThat(r.value() == null ? new byte[0] : r.value()).isEqualTo(corrupt.get(reason));
        assertThat(header(r, TaggingJob.DLQ_TOPIC)).isEqualTo(topics.messages());
        assertThat(header(r, TaggingJob.DLQ_PARTITION)).isNotBlank();
        assertThat(header(r, TaggingJob.DLQ_OFFSET)).isNotBlank();
      }

      assertTrendsCountEachMessageOnce(tags);

      String metrics = scrape(job.metricsPort());
      assertThat(metrics).contains("parley_analytics_messages_tagged_total " + messages.size() + ".0");
      for (String reason : corrupt.keySet()) {
        assertThat(metrics).contains("parley_analytics_dead_letters_total{reason=\"" + reason + "\"} 1.0");
      }
      assertThat(metrics).contains("parley_analytics_input_rows_per_second{query=\"" + TaggingJob.TAGS_QUERY + "\"}")
          .contains("parley_analytics_batch_duration_seconds{query=\"" + TaggingJob.TRENDS_QUERY + "\"}")
          .contains("parley_analytics_kafka_offsets_behind_latest{query=\"" + TaggingJob.TAGS_QUERY + "\"} 0.0");
    }

    // Restarted from its checkpoint, the job is sent two messages again (as an at-least-once producer
    // would) and one new one.
    try (TaggingJob job = TaggingJob.start(spark, config, tagger)) {
      Map<String, byte[]> again = new LinkedHashMap<>();
      again.put("alice/s1", messages.get("alice/s1"));
      again.put("carol/f1", messages.get("carol/f1"));
      again.put("alice/s2", ParleyRecords.current("alice", "s2", "dm:alice:bob", "the keeper saved two penalties in the cup final", sentAt));
      produce(again);
      drain(job);

      List<ConsumerRecord<byte[], byte[]>> written = readAll(topics.messageTags());
      Map<String, Long> copies = written.stream()
          .collect(Collectors.groupingBy(r -> new String(r.key(), StandardCharsets.UTF_8), Collectors.counting()));
      assertThat(copies).containsEntry("alice/s1", 2L).containsEntry("carol/f1", 2L).containsEntry("bob/t1", 1L);
      Map<String, JsonNode> after = latest(topics.messageTags());
      assertThat(after.get("alice/s2").get("tag").asText()).isEqualTo("sports");
      assertThat(readAll(topics.deadLetters())).hasSize(corrupt.size());
      assertTrendsCountEachMessageOnce(after);
    }
  }

  /** Every window that holds {@link #sentAt}, for every tag, counts each distinct message once. */
  private void assertTrendsCountEachMessageOnce(Map<String, JsonNode> tags) throws Exception {
    Map<String, Long> expected = tags.values().stream()
        .collect(Collectors.groupingBy(t -> t.get("tag").asText(), Collectors.counting()));
    Map<String, JsonNode> trends = latest(topics.topicTrends());
    Map<String, Integer> windowsPerTag = new HashMap<>();
    for (Map.Entry<String, JsonNode> e : trends.entrySet()) {
      JsonNode trend = e.getValue();
      String tag = trend.get("tag").asText();
      Instant start = Instant.parse(trend.get("windowStart").asText());
      Instant end = Instant.parse(trend.get("windowEnd").asText());
      assertThat(e.getKey()).isEqualTo(start.toString().replace(".000Z", "Z") + "|" + tag);
      assertThat(Duration.between(start, end)).isEqualTo(Duration.ofMinutes(10));
      assertThat(start.toEpochMilli()).isLessThanOrEqualTo(sentAt);
      assertThat(end.toEpochMilli()).isGreaterThan(sentAt);
      assertThat(trend.get("count").asLong()).as(e.getKey()).isEqualTo(expected.get(tag));
      windowsPerTag.merge(tag, 1, Integer::sum);
    }
    assertThat(windowsPerTag.keySet()).isEqualTo(expected.keySet());
    assertThat(windowsPerTag.values()).containsOnly(10);
  }

  private static void drain(TaggingJob job) {
    // The tags query first: what it writes is the trends query's input.
    for (StreamingQuery q : job.queries()) {
      q.processAllAvailable();
    }
  }

  private void createMessagesTopic() throws Exception {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
      admin.createTopics(List.of(new NewTopic(topics.messages(), 2, (short) 1))).all().get();
    }
  }

  private void produce(Map<String, byte[]> records) throws Exception {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
      for (Map.Entry<String, byte[]> r : records.entrySet()) {
        producer.send(new ProducerRecord<>(topics.messages(), r.getKey().getBytes(StandardCharsets.UTF_8), r.getValue())).get();
      }
    }
  }

  private Map<String, JsonNode> latest(String topic) throws Exception {
    Map<String, JsonNode> latest = new LinkedHashMap<>();
    for (ConsumerRecord<byte[], byte[]> r : readAll(topic)) {
      latest.put(new String(r.key(), StandardCharsets.UTF_8), json.readTree(r.value()));
    }
    return latest;
  }

  private List<ConsumerRecord<byte[], byte[]>> readAll(String topic) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
          .map(p -> new TopicPartition(topic, p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      }
      // In offset order per partition; trends and tags are keyed, so order across partitions does not matter.
      return records;
    }
  }

  private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
    Header h = r.headers().lastHeader(name);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  private static String scrape(int port) throws Exception {
    HttpResponse<String> response = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    return response.body();
  }
}
