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
import java.util.Map;

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
