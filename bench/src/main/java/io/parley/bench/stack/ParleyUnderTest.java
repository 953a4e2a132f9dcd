package io.parley.bench.stack;

import io.parley.auth.TokenService;
import io.parley.config.ConfigSource;
import io.parley.devstack.LocalService;
import io.parley.kafka.Topics;
import io.parley.schemas.GroupMembers;
import io.parley.gateway.GatewayConfig;
import io.parley.gateway.GatewayServer;
import io.parley.topology.TopologyApp;
import io.parley.topology.TopologyConfig;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Parley (topology + one gateway), wired the way the local stack wires it, on a broker the
 * benchmark owns. Each instance gets its own topic prefix and application id, so several can be
 * measured one after another on the same broker (and against the same baseline) without sharing
 * any state. Local services (e.g. a Cassandra node and the Connect worker with the history sink) start
 * before the topology, as the local stack starts them, and stop after it.
 */
public final class ParleyUnderTest implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ParleyUnderTest.class);
  private final ConfigSource config;
  private final TopologyApp topology;
  private final GatewayServer gateway;
  private final List<LocalService> services;
  private final TokenService tokens;

  private ParleyUnderTest(ConfigSource config, TopologyApp topology, GatewayServer gateway, List<LocalService> services) {
    this.config = config;
    this.topology = topology;
    this.gateway = gateway;
    this.services = services;
    this.tokens = tokenService(config);
  }

  private static TokenService tokenService(ConfigSource config) {
    return TokenService.fromSecret(config.required("auth.token.secret"), Duration.ofDays(1));
  }

  public static ParleyUnderTest start(String bootstrapServers, String secret, String name, Path dataDir, ConfigSource settings)
      throws Exception {
    return start(bootstrapServers, secret, name, dataDir, settings, List.of());
  }

  /**
   * @param name names the instance's topics ({@code bench-<name>.}) and state
   * @param settings Parley settings (file, environment, {@code --set}); the instance fills in what it owns
   * @param localServices started in order before the topology, with this instance's settings; their
   *     settings reach the parts after them; closed with the instance, in reverse order
   */
  public static ParleyUnderTest start(String bootstrapServers, String secret, String name, Path dataDir, ConfigSource settings,
      List<LocalService> localServices) throws Exception {
    ConfigSource config = settings.with(Map.of(
        "kafka.bootstrap.servers", bootstrapServers,
        "auth.token.secret", secret,
        "kafka.topic.prefix", "bench-" + name + ".",
        "topology.application.id", "bench-" + name + "-topology",
        "topology.state.dir", dataDir.resolve("streams-" + name).toString(),
        "gateway.id", "bench",
        "gateway.port", "0"));
    PrometheusRegistry registry = new PrometheusRegistry();
    List<LocalService> started = new ArrayList<>();
    TopologyApp topology = null;
    try {
      for (LocalService service : localServices) {
        LocalService.Context context = new LocalService.Context(dataDir.resolve("services-" + name), config, registry,
            tokenService(config));
        started.add(service);
        service.prepare(context);
        service.start(context);
        config = config.with(service.settings());
      }
      topology = TopologyApp.start(TopologyConfig.from(config), registry);
      topology.awaitRunning(Duration.ofMinutes(2));
      GatewayServer gateway = GatewayServer.start(GatewayConfig.from(config), registry);
      return new ParleyUnderTest(config, topology, gateway, List.copyOf(started));
    } catch (Exception e) {
      if (topology != null) {
        topology.close();
      }
      closeAll(started);
      throw e;
    }
  }

  /**
   * Publishes each group's member set to this instance's compacted {@code group-members} topic, as the
   * directory's outbox relay does (same Avro type and serde, keyed by group, version 1, acks=all), and
   * returns once the broker has all of them. The topology reads them asynchronously: callers probe.
   */
  public void publishGroups(Map<String, List<String>> groups) throws Exception {
    var topic = Topics.from(config).groupMembers();
    try (KafkaProducer<String, GroupMembers> producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.required("kafka.bootstrap.servers"),
        ProducerConfig.CLIENT_ID_CONFIG, "bench-membership",
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true),
        new StringSerializer(), topic.valueSerde().serializer())) {
      List<Future<RecordMetadata>> sent = new ArrayList<>();
      groups.forEach((group, members) ->
          sent.add(producer.send(new ProducerRecord<>(topic.name(), group, new GroupMembers(group, 1L, members, false)))));
      for (Future<RecordMetadata> f : sent) {
        f.get(30, TimeUnit.SECONDS);
      }
    }
  }

  public URI webSocketUri() {
    return gateway.webSocketUri();
  }

  /**
   * How many offsets this instance has taken on the broker so far, by topic (its own topics, less the
   * prefix, and all its state changelogs together): every record and every transaction marker it wrote.
   */
  public Map<String, Long> offsetsWritten() throws Exception {
    String prefix = config.required("kafka.topic.prefix");
    String changelogs = config.required("topology.application.id") + "-";
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.required("kafka.bootstrap.servers")))) {
      Set<String> topics = admin.listTopics().names().get().stream()
          .filter(t -> t.startsWith(prefix) || t.startsWith(changelogs)).collect(Collectors.toSet());
      Map<TopicPartition, OffsetSpec> ends = new HashMap<>();
      admin.describeTopics(topics).allTopicNames().get().forEach((topic, description) -> description.partitions()
          .forEach(p -> ends.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest())));
      Map<String, Long> byTopic = new TreeMap<>();
      for (Map.Entry<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> e : admin.listOffsets(ends).all().get().entrySet()) {
        String topic = e.getKey().topic();
        String name = topic.startsWith(changelogs) ? "state changelogs" : topic.substring(prefix.length());
        byTopic.merge(name, e.getValue().offset(), Long::sum);
      }
      return byTopic;
    }
  }

  public TokenService tokens() {
    return tokens;
  }

  public ConfigSource config() {
    return config;
  }

  /** A started local service of the given type. */
  public <T extends LocalService> T service(Class<T> type) {
    return services.stream().filter(type::isInstance).map(type::cast).findFirst()
        .orElseThrow(() -> new IllegalStateException("this instance runs no " + type.getSimpleName()));
  }

  @Override
  public void close() {
    gateway.close();
    topology.close();
    closeAll(services);
  }

  private static void closeAll(List<LocalService> services) {
    for (int i = services.size() - 1; i >= 0; i--) {
      try {
        services.get(i).close();
      } catch (Exception e) {
        log.warn("{} did not stop cleanly: {}", services.get(i).name(), e.toString());
      }
    }
  }
}
