package io.parley.sinks.local;

import com.datastax.oss.driver.api.core.CqlSession;
import io.parley.kafka.TopicProvisioner;
import io.parley.kafka.Topics;
import io.parley.sinks.cassandra.CassandraSettings;
import io.parley.sinks.cassandra.CqlSchema;
import io.parley.sinks.cassandra.CqlSessions;
import io.parley.sinks.connect.CassandraSinkConfig;
import io.parley.sinks.connect.ParleyConnectors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.common.utils.Exit;

/** One real broker, one real Cassandra node and one Connect worker with both Parley sinks, per test class. */
final class SinkFixture implements AutoCloseable {
  final Path dir;
  final Topics topics = new Topics("it.", new Topics.Partitions(2, 1, 2, 2));
  final KafkaClusterTestKit kafka;
  final CassandraNode cassandra;
  final ConnectWorker worker;
  final CqlSession session;
  final KafkaProducer<String, byte[]> producer;
  final ConnectMetrics metrics = new ConnectMetrics();
  final Map<String, String> sinkSettings;

  SinkFixture() throws Exception {
    Exit.setHaltProcedure((code, message) -> {
      throw new IllegalStateException("Kafka asked to halt (" + code + "): " + message);
    });
    dir = Files.createTempDirectory("parley-sinks-it");
    CassandraNode node = null;
    KafkaClusterTestKit cluster = null;
    try {
      // Cassandra first: it takes longest, and the broker can start while the test JVM waits.
      node = CassandraNode.start(dir.resolve("cassandra"));
      cluster = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
          .setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1).setBaseDirectory(dir.resolve("kafka")).build())
          .setConfigProp("offsets.topic.replication.factor", "1")
          .setConfigProp("offsets.topic.num.partitions", "2")
          .setConfigProp("group.initial.rebalance.delay.ms", "0")
          .build();
      cluster.format();
      cluster.startup();
      cluster.waitForReadyBrokers();
    } catch (Exception e) {
      if (node != null) {
        node.close();
      }
      if (cluster != null) {
        cluster.close();
      }
      throw e;
    }
    cassandra = node;
    kafka = cluster;
    TopicProvisioner.ensure(kafka.bootstrapServers(), List.of(topics.messages(), topics.lastSeen(), topics.deadLetters()), (short) 1);
    sinkSettings = Map.of(
        CassandraSinkConfig.CONTACT_POINTS, cassandra.contactPoint(),
        CassandraSinkConfig.KEYSPACE, "parley_it",
        CassandraSinkConfig.RETRY_INITIAL_MS, "200",
        CassandraSinkConfig.RETRY_MAX_MS, "2000",
        CassandraSinkConfig.REQUEST_TIMEOUT_MS, "3000");
    session = CqlSessions.open(CassandraSettings.local(cassandra.contactPoint()), getClass().getClassLoader());
    CqlSchema.migrate(session, "parley_it", CassandraSettings.DEFAULT_REPLICATION);
    worker = ConnectWorker.start(kafka.bootstrapServers(), dir.resolve("connect"), Map.of("offset.flush.interval.ms", "2000"));
    worker.put(ParleyConnectors.MESSAGES, ParleyConnectors.messages(topics, sinkSettings, 2, (short) 1));
    worker.put(ParleyConnectors.LAST_SEEN, ParleyConnectors.lastSeen(topics, sinkSettings, 1, (short) 1));
    worker.awaitRunning(ParleyConnectors.MESSAGES, Duration.ofSeconds(60));
    worker.awaitRunning(ParleyConnectors.LAST_SEEN, Duration.ofSeconds(60));
    Map<String, Object> p = new HashMap<>();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.LINGER_MS_CONFIG, 2);
    producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
  }

  void send(String topic, String key, byte[] value) throws Exception {
    producer.send(new ProducerRecord<>(topic, key, value)).get();
  }

  /** Every dead letter so far, read from the start of the dead-letter topic. */
  List<ConsumerRecord<byte[], byte[]>> deadLetters() {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      var partition = new org.apache.kafka.common.TopicPartition(topics.deadLetters().name(), 0);
      consumer.assign(List.of(partition));
      consumer.seekToBeginning(List.of(partition));
      long end = consumer.endOffsets(List.of(partition)).get(partition);
      List<ConsumerRecord<byte[], byte[]>> out = new java.util.ArrayList<>();
      while (consumer.position(partition) < end) {
        consumer.poll(Duration.ofMillis(500)).forEach(out::add);
      }
      return out;
    }
  }

  @Override
  public void close() throws Exception {
    try {
      producer.close();
      session.close();
      worker.close();
    } finally {
      try {
        cassandra.close();
      } finally {
        kafka.close();
        deleteQuietly(dir);
      }
    }
  }

  static void deleteQuietly(Path dir) {
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (java.io.IOException e) {
      // a temp folder left behind is harmless
    }
  }
}
