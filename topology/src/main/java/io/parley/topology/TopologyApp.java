package io.parley.topology;

import io.parley.config.ConfigSource;
import io.parley.kafka.KafkaMetrics;
import io.parley.kafka.TopicProvisioner;
import io.parley.schemas.GroupMembers;
import io.parley.topology.groups.GroupFanout;
import io.parley.topology.handoff.HandoffProducer;
import io.parley.topology.handoff.ParleyClientSupplier;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running topology instance: ensures its topics, starts Kafka Streams, and stops it cleanly. Run
 * alone ({@code TopologyApp [parley.properties]}) it serves its metrics on {@code topology.metrics.port}.
 */
public final class TopologyApp implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TopologyApp.class);

  private final KafkaStreams streams;
  private final HandoffProducer handoffs;
  private final CountDownLatch running = new CountDownLatch(1);

  private TopologyApp(TopologyConfig config, PrometheusRegistry registry) {
    TopicProvisioner.ensure(config.bootstrapServers(), config.topics().topologyTopics(), config.replicationFactor());
    int mailboxPartitions = TopicProvisioner.requireCopartitioned(config.bootstrapServers(),
        List.of(config.topics().mailbox().name(), config.topics().heartbeats().name(), config.topics().events().name()));
    TopicProvisioner.requireCopartitioned(config.bootstrapServers(),
        List.of(config.topics().groupMessages().name(), config.topics().groupMembers().name(), config.topics().groupReceipts().name()));
    TopologyMetrics metrics = new TopologyMetrics(registry);
    if (config.handoff() == TopologyConfig.HandoffMode.PRODUCER) {
      handoffs = new HandoffProducer(() -> new KafkaProducer<>(handoffProperties(config), new StringSerializer(), new ByteArraySerializer()));
      streams = new KafkaStreams(ParleyTopology.build(config.topics(), config.mailbox(), metrics, handoffs.handoffs()),
          streamsProperties(config), new ParleyClientSupplier(handoffs));
    } else {
      // Hand-offs in the transaction go through Streams' own producer, so the group fan-out groups
      // members by the configured partition count (the producer path asks the topic's metadata).
      if (config.mailbox().batchedGroupHandoffs() && mailboxPartitions != config.topics().mailbox().partitions()) {
        throw new IllegalStateException(config.topics().mailbox().name() + " has " + mailboxPartitions
            + " partitions but kafka.partitions.mailbox says " + config.topics().mailbox().partitions() + ": set it to "
            + mailboxPartitions);
      }
      handoffs = null;
      streams = new KafkaStreams(ParleyTopology.build(config.topics(), config.mailbox(), metrics), streamsProperties(config));
    }
    registry.register(new KafkaMetrics("topology", streams::metrics));
    // Streams reports its state only as a string: the alerts and a container's health check need a number.
    io.prometheus.metrics.core.metrics.GaugeWithCallback.builder().name("parley_topology_streams_running")
        .help("1 while Kafka Streams is RUNNING, 0 in any other state (starting, rebalancing, failed)")
        .callback(cb -> cb.call(streams.state() == KafkaStreams.State.RUNNING ? 1 : 0)).register(registry);
    streams.setStateListener((now, before) -> {
      log.info("topology {} -> {}", before, now);
      if (now == KafkaStreams.State.RUNNING) {
        running.countDown();
      }
    });
    // A failed thread is replaced, so one bad moment (a fenced producer, a timeout) does not stop routing.
    streams.setUncaughtExceptionHandler(e -> {
      log.error("stream thread failed; replacing it", e);
      return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
    });
  }

  public static TopologyApp start(TopologyConfig config, PrometheusRegistry registry) {
    TopologyApp app = new TopologyApp(config, registry);
    app.streams.start();
    return app;
  }

  public void awaitRunning(Duration timeout) throws TimeoutException, InterruptedException {
    if (!running.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new TimeoutException("topology not RUNNING after " + timeout + " (state " + streams.state() + ")");
    }
  }

  public KafkaStreams.State state() {
    return streams.state();
  }

  /**
   * The members of {@code group} as this instance's fan-out knows them now (empty: it has not heard
   * of the group, or the group is on another instance), read from the membership store. For operators
   * and tests asking whether a change in the directory has reached the topology.
   */
  public Optional<List<String>> groupMembers(String group) {
    ReadOnlyKeyValueStore<String, GroupMembers> store = streams.store(
        StoreQueryParameters.fromNameAndType(GroupFanout.MEMBERS, QueryableStoreTypes.<String, GroupMembers>keyValueStore()));
    return Optional.ofNullable(store.get(group)).filter(m -> !m.getDeleted()).map(GroupMembers::getMembers);
  }

  static Properties streamsProperties(TopologyConfig config) {
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    p.put(StreamsConfig.STATE_DIR_CONFIG, config.stateDir().toString());
    p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, config.threads());
    p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) config.replicationFactor());
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, config.processingGuarantee());
    p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, config.commitInterval().toMillis());
    p.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, config.cacheBytes());
    p.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), (int) config.producerLinger().toMillis());
    p.put(StreamsConfig.producerPrefix(ProducerConfig.COMPRESSION_TYPE_CONFIG), "lz4");
    // With transactions v2 a produce racing the previous commit's markers is answered
    // CONCURRENT_TRANSACTIONS and retried after this backoff (default 100 ms): keep it short.
    p.put(StreamsConfig.producerPrefix(ProducerConfig.RETRY_BACKOFF_MS_CONFIG), 10);
    p.put(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_POLL_RECORDS_CONFIG), 2000);
    // The inputs hold no transactions (hand-offs are not transactional), so a fetch ends as soon as a
    // record lands; this only bounds how often an idle consumer asks again.
    p.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG), (int) config.fetchMaxWait().toMillis());
    // Poll returns as soon as anything arrives; this only bounds how long an idle thread sleeps
    // (and so how late a wall-clock punctuation may run: the lease check is every 5 s).
    p.put(StreamsConfig.POLL_MS_CONFIG, 500L);
    p.putAll(config.streamsOverrides());
    return p;
  }

  /**
   * The hand-off producer: idempotent and retrying without a deadline, so that one origin's
   * hand-offs reach each partition in order and without gaps (what {@code Origins} relies on); a
   * commit waits for them rather than a batch being given up.
   */
  static Map<String, Object> handoffProperties(TopologyConfig config) {
    Map<String, Object> p = new HashMap<>();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    p.put(ProducerConfig.CLIENT_ID_CONFIG, config.applicationId() + "-handoffs");
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
    p.put(ProducerConfig.RETRIES_CONFIG, Integer.MAX_VALUE);
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Integer.MAX_VALUE);
    p.put(ProducerConfig.LINGER_MS_CONFIG, (int) config.producerLinger().toMillis());
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    config.streamsOverrides().forEach((k, v) -> {
      if (k.startsWith("handoff.")) {
        p.put(k.substring("handoff.".length()), v);
      }
    });
    return p;
  }

  /**
   * Stops and leaves the consumer group, so the partitions move at once instead of after the
   * session timeout (a restarted local stack is ready in seconds, not 45).
   */
  @Override
  public void close() {
    streams.close(new KafkaStreams.CloseOptions().leaveGroup(true).timeout(Duration.ofSeconds(30)));
    if (handoffs != null) {
      handoffs.close();
    }
  }

  public static void main(String[] args) throws Exception {
    Optional<Path> file = args.length > 0 ? Optional.of(Path.of(args[0])) : Optional.empty();
    TopologyConfig config = TopologyConfig.from(ConfigSource.load(file));
    PrometheusRegistry registry = PrometheusRegistry.defaultRegistry;
    JvmMetrics.builder().register(registry);
    TopologyApp app = start(config, registry);
    ConfigSource settings = ConfigSource.load(file);
    HTTPServer metrics = HTTPServer.builder().port(settings.integer("topology.metrics.port", 9400)).registry(registry).buildAndStart();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      app.close();
      metrics.close();
    }, "topology-shutdown"));
    app.awaitRunning(Duration.ofMinutes(5));
    log.info("topology {} running against {}", config.applicationId(), config.bootstrapServers());
    Thread.currentThread().join();
  }
}
