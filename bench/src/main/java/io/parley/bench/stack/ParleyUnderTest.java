package io.parley.bench.stack;

import io.parley.auth.TokenService;
import io.parley.config.ConfigSource;
import io.parley.gateway.GatewayConfig;
import io.parley.gateway.GatewayServer;
import io.parley.topology.TopologyApp;
import io.parley.topology.TopologyConfig;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

/**
 * One Parley (topology + one gateway), wired the way the local stack wires it, on a broker the
 * benchmark owns. Each instance gets its own topic prefix and application id, so several can be
 * measured one after another on the same broker (and against the same baseline) without sharing
 * any state.
 */
public final class ParleyUnderTest implements AutoCloseable {
  private final ConfigSource config;
  private final TopologyApp topology;
  private final GatewayServer gateway;
  private final TokenService tokens;

  private ParleyUnderTest(ConfigSource config, TopologyApp topology, GatewayServer gateway) {
    this.config = config;
    this.topology = topology;
    this.gateway = gateway;
    this.tokens = TokenService.fromSecret(config.required("auth.token.secret"), Duration.ofDays(1));
  }

  /**
   * @param name names the instance's topics ({@code bench-<name>.}) and state
   * @param settings Parley settings (file, environment, {@code --set}); the instance fills in what it owns
   */
  public static ParleyUnderTest start(String bootstrapServers, String secret, String name, Path dataDir, ConfigSource settings)
      throws Exception {
    ConfigSource config = settings.with(Map.of(
        "kafka.bootstrap.servers", bootstrapServers,
        "auth.token.secret", secret,
        "kafka.topic.prefix", "bench-" + name + ".",
        "topology.application.id", "bench-" + name + "-topology",
        "topology.state.dir", dataDir.resolve("streams-" + name).toString(),
        "gateway.id", "bench",
        "gateway.port", "0"));
    PrometheusRegistry registry = new PrometheusRegistry();
    TopologyApp topology = TopologyApp.start(TopologyConfig.from(config), registry);
    try {
      topology.awaitRunning(Duration.ofMinutes(2));
      GatewayServer gateway = GatewayServer.start(GatewayConfig.from(config), registry);
      return new ParleyUnderTest(config, topology, gateway);
    } catch (Exception e) {
      topology.close();
      throw e;
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

  @Override
  public void close() {
    gateway.close();
    topology.close();
  }
}
