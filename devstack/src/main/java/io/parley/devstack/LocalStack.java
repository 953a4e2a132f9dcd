package io.parley.devstack;

import io.parley.auth.TokenService;
import io.parley.config.ConfigSource;
import io.parley.gateway.GatewayConfig;
import io.parley.gateway.GatewayMetrics;
import io.parley.gateway.session.SendPolicy;
import io.parley.gateway.GatewayServer;
import io.parley.topology.TopologyApp;
import io.parley.topology.TopologyConfig;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.eclipse.jetty.server.Handler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole of Parley in one JVM, on embedded defaults: a real Kafka broker, the topology, and one
 * or more gateways. {@code parley up} runs it; the integration tests run it too.
 *
 * <p>Settings come from {@link ConfigSource} like every component's; the stack only fills in what
 * it owns (the broker address, the data folder, the token secret, gateway ids and ports).
 */
public final class LocalStack implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LocalStack.class);
  /** Bootstrap servers of a Kafka cluster to run on instead of starting a broker. */
  public static final String EXTERNAL_KAFKA = "devstack.kafka.bootstrap.servers";

  private final Path dataDir;
  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final GatewayMetrics.Families gatewayMetrics = GatewayMetrics.register(registry);
  /** Null when the stack runs on a Kafka cluster of someone else's ({@value #EXTERNAL_KAFKA}). */
  private final EmbeddedKafka kafka;
  private final String tokenSecret;
  private final List<LocalService> services = new ArrayList<>();
  private final Map<String, Handler> routes = new LinkedHashMap<>();
  private final List<SendPolicy> sendPolicies = new ArrayList<>();
  private ConfigSource config;
  private TopologyApp topology;
  private final List<GatewayServer> gateways = new ArrayList<>();

  private LocalStack(Path dataDir, ConfigSource config, EmbeddedKafka kafka, String tokenSecret) {
    this.dataDir = dataDir;
    this.config = config;
    this.kafka = kafka;
    this.tokenSecret = tokenSecret;
  }

  public static LocalStack start(Path dataDir, ConfigSource config, int gatewayCount) throws Exception {
    return start(dataDir, config, gatewayCount, LocalServices.defaults());
  }

  /**
   * Starts everything and returns when every part is ready.
   *
   * @param gatewayCount gateways to start; the first listens on {@code gateway.port} (0: any free
   *     port), the others on free ports
   */
  public static LocalStack start(Path dataDir, ConfigSource config, int gatewayCount, List<LocalService> services)
      throws Exception {
    Files.createDirectories(dataDir);
    String secret = config.get("auth.token.secret").orElse(null);
    if (secret == null) {
      secret = localSecret(dataDir);
    }
    // A cluster started elsewhere (the fault tests' brokers, each its own process); otherwise one
    // broker in this JVM.
    String external = config.get(EXTERNAL_KAFKA).orElse(null);
    EmbeddedKafka kafka = external == null ? EmbeddedKafka.start(dataDir, config.integer("kafka.port", 0)) : null;
    String bootstrap = external == null ? kafka.bootstrapServers() : external;
    // One topology instance restarting with its broker: the group member the broker remembers from
    // the last run holds the partitions until its session times out, so keep that short here.
    ConfigSource local = ConfigSource.of(Map.of("topology.streams.session.timeout.ms", "6000",
        "topology.streams.heartbeat.interval.ms", "1500")).with(config.withPrefix(""));
    LocalStack stack = new LocalStack(dataDir, local.with(Map.of(
        "kafka.bootstrap.servers", bootstrap, "auth.token.secret", secret)), kafka, secret);
    try {
      stack.services.addAll(services); // closed in reverse order, whatever stage a failure stops at
      stack.prepareInParallel(services);
      for (LocalService service : services) {
        stack.startService(service);
      }
      for (int i = 1; i <= gatewayCount; i++) {
        stack.startGateway("gw-" + i, i == 1 ? config.integer("gateway.port", 0) : 0);
      }
    } catch (Exception e) {
      stack.close();
      throw e;
    }
    return stack;
  }

  /**
   * The slow parts that need nothing from each other — database servers booting, the topology
   * joining its group and restoring state — at the same time; most of it is waiting, not computing.
   * Returns when all are done; throws the first failure only after every part has stopped moving,
   * so that closing the stack never races a server still starting.
   */
  private void prepareInParallel(List<LocalService> toPrepare) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(toPrepare.size() + 1, r -> new Thread(r, "stack-prepare"));
    try {
      List<Future<?>> parts = new ArrayList<>();
      LocalService.Context context = new LocalService.Context(dataDir, config, registry, tokens());
      for (LocalService service : toPrepare) {
        parts.add(pool.submit(() -> {
          long started = System.nanoTime();
          service.prepare(context);
          log.info("{} prepared in {} ms", service.name(), (System.nanoTime() - started) / 1_000_000);
          return null;
        }));
      }
      // Off only for tests that run the topology as processes of their own, to kill them (TopologyCrashIT).
      if (config.bool("devstack.topology.enabled", true)) {
        parts.add(pool.submit(() -> {
          long started = System.nanoTime();
          startTopology();
          log.info("topology running in {} ms", (System.nanoTime() - started) / 1_000_000);
          return null;
        }));
      }
      Exception first = null;
      for (Future<?> part : parts) {
        try {
          part.get();
        } catch (ExecutionException e) {
          if (first == null) {
            first = e.getCause() instanceof Exception cause ? cause : e;
          }
        }
      }
      if (first != null) {
        throw first;
      }
    } finally {
      pool.shutdown();
    }
  }

  private void startService(LocalService service) throws Exception {
    long started = System.nanoTime();
    service.start(new LocalService.Context(dataDir, config, registry, tokens()));
    config = config.with(service.settings());
    routes.putAll(service.routes());
    sendPolicies.addAll(service.sendPolicies());
    log.info("{} ready in {} ms", service.name(), (System.nanoTime() - started) / 1_000_000);
  }

  private void startTopology() throws Exception {
    TopologyConfig topologyConfig = TopologyConfig.from(config.with(
        "topology.state.dir", dataDir.resolve("streams").toString()));
    topology = TopologyApp.start(topologyConfig, registry);
    topology.awaitRunning(Duration.ofMinutes(2));
  }

  /** Starts a gateway with this id; a gateway id used before (and stopped) comes back as a new incarnation. */
  public GatewayServer startGateway(String id, int port) throws Exception {
    GatewayConfig gatewayConfig = GatewayConfig.from(config.with(Map.of("gateway.id", id, "gateway.port", String.valueOf(port))));
    GatewayServer gateway = GatewayServer.start(gatewayConfig, registry, gatewayMetrics, SendPolicy.all(sendPolicies), routes);
    gateways.add(gateway);
    return gateway;
  }

  /** The token secret of a local stack lives in its data folder, so {@code parley token} can sign for it. */
  static String localSecret(Path dataDir) throws IOException {
    Path file = dataDir.resolve("token-secret");
    if (Files.exists(file)) {
      return Files.readString(file, StandardCharsets.UTF_8).strip();
    }
    byte[] random = new byte[32];
    new SecureRandom().nextBytes(random);
    String secret = HexFormat.of().formatHex(random);
    Files.writeString(file, secret, StandardCharsets.UTF_8);
    try {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException e) {
      log.debug("cannot restrict permissions of {}", file);
    }
    return secret;
  }

  public String bootstrapServers() {
    return config.required("kafka.bootstrap.servers");
  }

  /** The in-process topology; null when {@code devstack.topology.enabled=false}. */
  public TopologyApp topology() {
    return topology;
  }

  public GatewayServer gateway(int index) {
    return gateways.get(index);
  }

  public List<GatewayServer> gateways() {
    return List.copyOf(gateways);
  }

  /** A started service of the given type, for tests that reach into it. */
  public <T extends LocalService> T service(Class<T> type) {
    return services.stream().filter(type::isInstance).map(type::cast).findFirst()
        .orElseThrow(() -> new IllegalStateException("no " + type.getSimpleName() + " in this stack"));
  }

  public TokenService tokens() {
    return TokenService.fromSecret(tokenSecret, Duration.ofDays(1));
  }

  public PrometheusRegistry registry() {
    return registry;
  }

  public ConfigSource config() {
    return config;
  }

  @Override
  public void close() {
    for (GatewayServer gateway : gateways) {
      try {
        gateway.close();
      } catch (RuntimeException e) {
        log.warn("gateway {} did not stop cleanly: {}", gateway.gatewayId(), e.toString());
      }
    }
    if (topology != null) {
      topology.close();
    }
    for (int i = services.size() - 1; i >= 0; i--) {
      try {
        services.get(i).close();
      } catch (Exception e) {
        log.warn("{} did not stop cleanly: {}", services.get(i).name(), e.toString());
      }
    }
    if (kafka != null) {
      kafka.close();
    }
  }
}
