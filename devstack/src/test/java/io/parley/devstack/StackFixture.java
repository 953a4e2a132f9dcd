package io.parley.devstack;

import io.parley.config.ConfigSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.eclipse.jetty.websocket.client.WebSocketClient;

/**
 * One local stack per test class, on free ports, with short leases so crash tests run in seconds.
 * Without Cassandra (history and presence answer 503) unless made {@link #withHistory}.
 */
final class StackFixture implements AutoCloseable {
  static final Map<String, String> TEST_SETTINGS = Map.ofEntries(
      Map.entry("mailbox.lease.timeout", "6s"),
      Map.entry("mailbox.lease.check.interval", "1s"),
      Map.entry("gateway.lease.interval", "1s"),
      Map.entry("kafka.partitions.mailbox", "4"),
      Map.entry("gateway.sends.per.second", "40"),
      Map.entry("gateway.abuse.errors", "30"),
      // Every test user connects from 127.0.0.1, and a class's sockets add up past the default 256
      // (GroupMessagingIT's thousand-member group); ConnectionAbuseIT and HttpLimitsTest test the limit.
      Map.entry("http.max.connections.per.address", "0"),
      Map.entry("directory.jdbc.user", "root"),
      // Cheap password hashing: the tests sign up many users; production keeps OWASP's cost.
      Map.entry("directory.password.memory.kib", "1024"),
      Map.entry("directory.password.iterations", "1"),
      // A Cassandra node per stack costs 10-40 s: the tests that need one share one (withHistory).
      Map.entry("cassandra.enabled", "false"));

  final LocalStack stack;
  final WebSocketClient client;
  final Path dataDir;

  StackFixture(int gateways) throws Exception {
    this(gateways, Map.of());
  }

  StackFixture(int gateways, Map<String, String> overrides) throws Exception {
    this(gateways, overrides, LocalServices.defaults());
  }

  /** With only these services (a fault test runs some of them as processes of its own). */
  StackFixture(int gateways, Map<String, String> overrides, java.util.List<LocalService> services) throws Exception {
    dataDir = Files.createTempDirectory("parley-it");
    stack = LocalStack.start(dataDir, ConfigSource.of(TEST_SETTINGS)
        .with("directory.jdbc.url", SharedMariaDb.newDatabase()).with(overrides), gateways, services);
    client = new WebSocketClient();
    client.start();
  }

  /** A stack with history and last seen: the sinks and the history API on this JVM's shared Cassandra node. */
  static StackFixture withHistory(int gateways, Map<String, String> overrides) throws Exception {
    Map<String, String> settings = new java.util.HashMap<>(SharedCassandra.newKeyspace());
    settings.putAll(overrides);
    return new StackFixture(gateways, settings);
  }

  /**
   * The shipped lease timeout (45 s) for a stack whose brokers fail: the test stacks' 6 s lease is
   * shorter than a broker failover (9 s until the controller fences a dead broker), so a failover
   * of the broker leading {@code parley.gateways-0} delays every gateway's renewals past it, and the
   * mailbox takes every live session offline; those devices then get nothing until they sync (one
   * run in ten of {@code BrokerDiskFullIT}). Production keeps the lease longer than a failover.
   */
  static final Map<String, String> LEASE_PAST_FAILOVER = Map.of("mailbox.lease.timeout", "45s");

  /**
   * A stack on a multi-broker cluster ({@link KafkaBrokers}): replication 3, and a send rate the
   * fault tests' steady load never meets; {@code overrides} over them.
   */
  static StackFixture onBrokers(KafkaBrokers brokers, int gateways, Map<String, String> overrides) throws Exception {
    Map<String, String> settings = new java.util.HashMap<>(Map.of(LocalStack.EXTERNAL_KAFKA, brokers.bootstrapServers(),
        "kafka.replication.factor", "3", "gateway.sends.per.second", "1000"));
    settings.putAll(overrides);
    return new StackFixture(gateways, settings);
  }

  /** Signs these users up in the directory (password "correct horse battery"), so messages to them are taken. */
  void users(String... ids) throws Exception {
    var directory = stack.service(DirectoryLocalService.class).directory().directory();
    for (String id : ids) {
      if (!directory.userExists(id)) {
        directory.signUp(id, PASSWORD, null);
      }
    }
  }

  static final String PASSWORD = "correct horse battery";

  /**
   * Waits until the topology's fan-out knows {@code group} with exactly these members: a membership
   * change travels from the directory through its outbox relay and the group-members topic.
   */
  void awaitGroup(String group, java.util.Collection<String> members) {
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).pollInterval(java.time.Duration.ofMillis(100))
        .ignoreExceptions() // the store is not queryable while the topology rebalances
        .untilAsserted(() -> org.assertj.core.api.Assertions.assertThat(stack.topology().groupMembers(group))
            .hasValueSatisfying(m -> org.assertj.core.api.Assertions.assertThat(m).containsExactlyInAnyOrderElementsOf(members)));
  }

  WsClient connect(int gateway, String user, String device) throws Exception {
    return WsClient.connect(client, stack.gateway(gateway).webSocketUri(), stack.tokens().issue(user, device));
  }

  WsClient connect(io.parley.gateway.GatewayServer gateway, String user, String device) throws Exception {
    return WsClient.connect(client, gateway.webSocketUri(), stack.tokens().issue(user, device));
  }

  @Override
  public void close() throws Exception {
    client.stop();
    stack.close();
    deleteQuietly(dataDir);
  }

  static void deleteQuietly(Path dir) {
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (java.io.IOException e) {
      // a temp folder left behind is harmless
    }
  }
}
