package io.parley.analytics.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.parley.analytics.LocalSpark;
import io.parley.analytics.messages.ParleyRecords;
import io.parley.analytics.tagging.Corpus;
import io.parley.analytics.tagging.EmbeddingTopicModel;
import io.parley.analytics.tagging.Tagger;
import io.parley.analytics.tagging.TopicModels;
import io.parley.analytics.tagging.Vocabulary;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The spark-submit jar run as a cluster runs it: a JVM whose classpath is the jar and what Spark
 * provides, nothing else. It must find the Kafka source in the jar's service files, load the shipped
 * kind of model (the embeddings: ONNX Runtime and the tokenizer from inside the jar), and tag and
 * dead-letter as the job does (run under {@code -Pspark-submit}, which builds the jar).
 */
class ShadedJarIT {
  @TempDir
  Path dir;

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void shouldRunTheJobFromTheSparkSubmitJarAlone() throws Exception {
    Path jar = Path.of(System.getProperty("parley.analytics.shaded.jar"));
    String provided = Files.readString(Path.of(System.getProperty("parley.analytics.provided.classpath"))).strip();
    assertThat(jar).isRegularFile();
    Path model = dir.resolve("model");
    SparkSession spark = LocalSpark.start("shaded-jar-it", 2);
    try {
      Corpus corpus = Corpus.read(Path.of("corpus"));
      TopicModels.save(new Tagger(EmbeddingTopicModel.train(Corpus.frame(spark, corpus.train()), "it"),
          Vocabulary.of(corpus.train())), model);
    } finally {
      spark.stop();
    }

    String prefix = "shaded" + UUID.randomUUID().toString().substring(0, 8) + ".";
    AnalyticsTopics topics = new AnalyticsTopics(prefix);
    try (ForkedKafka kafka = ForkedKafka.start(Files.createDirectories(dir.resolve("kafka")))) {
      try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
        admin.createTopics(List.of(new NewTopic(topics.messages(), 1, (short) 1))).all().get();
      }
      produce(kafka, topics.messages(), ParleyRecords.current("alice", "s1", "dm:alice:bob",
          "the striker scored a hat trick in the derby", System.currentTimeMillis()));
      produce(kafka, topics.messages(), "not avro".getBytes(StandardCharsets.UTF_8));

      List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g"));
      command.addAll(List.of(System.getProperty("parley.analytics.spark.opens").split("\\s+")));
      command.addAll(List.of("-cp", jar + java.io.File.pathSeparator + provided, "io.parley.analytics.cli.AnalyticsCli", "run",
          "--bootstrap-servers", kafka.bootstrapServers(), "--topic-prefix", prefix, "--model", model.toString(),
          "--checkpoints", dir.resolve("checkpoints").toString(), "--metrics-port", "0", "--cores", "2"));
      Process job = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve("job.log").toFile()).start();
      try {
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1))
            .until(() -> !job.isAlive() || (!read(kafka, topics.messageTags()).isEmpty() && !read(kafka, topics.deadLetters()).isEmpty()));
        assertThat(job.isAlive()).as("the job is running; its log: %s", Files.readString(dir.resolve("job.log"))).isTrue();
        List<ConsumerRecord<byte[], byte[]>> tags = read(kafka, topics.messageTags());
        assertThat(tags).hasSize(1);
        assertThat(new String(tags.get(0).key(), StandardCharsets.UTF_8)).isEqualTo("alice/s1");
        assertThat(new String(tags.get(0).value(), StandardCharsets.UTF_8)).contains("\"tag\":\"sports\"");
        assertThat(read(kafka, topics.deadLetters())).hasSize(1);
      } finally {
        job.destroy();
        if (!job.waitFor(30, TimeUnit.SECONDS)) {
          job.destroyForcibly();
          job.waitFor(10, TimeUnit.SECONDS);
        }
      }
    }
  }

  private static void produce(ForkedKafka kafka, String topic, byte[] value) throws Exception {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
      producer.send(new ProducerRecord<>(topic, "dm:alice:bob".getBytes(StandardCharsets.UTF_8), value)).get();
    }
  }

  private static List<ConsumerRecord<byte[], byte[]>> read(ForkedKafka kafka, String topic) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      var info = consumer.partitionsFor(topic);
      if (info == null || info.isEmpty()) {
        return List.of();
      }
      List<TopicPartition> partitions = info.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      }
      return records;
    }
  }
}
