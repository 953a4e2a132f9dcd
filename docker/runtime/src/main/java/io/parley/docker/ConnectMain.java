package io.parley.docker;

import io.parley.config.ConfigSource;
import io.parley.history.HistoryMode;
import io.parley.history.HistorySettings;
import io.parley.kafka.TopicProvisioner;
import io.parley.kafka.Topics;
import com.datastax.oss.driver.api.core.CqlSession;
import io.parley.sinks.cassandra.CassandraSettings;
import io.parley.sinks.cassandra.CqlSchema;
import io.parley.sinks.cassandra.CqlSessions;
import io.parley.sinks.connect.ParleyConnectors;
import io.parley.sinks.local.ConnectMetrics;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.kafka.connect.cli.ConnectDistributed;
import org.apache.kafka.connect.runtime.Connect;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Kafka Connect worker in distributed mode running Parley's sink connectors:
 * {@code ConnectMain [parley.properties]}. It applies the Cassandra schema first. Workers with the same {@code connect.group.id} form one
 * Connect cluster and share the connectors' tasks; each worker (re)submits both connector configs
 * through its own REST API (which forwards to the leader), so the first worker up registers them and
 * a config change rolls out with the next worker restart. Worker settings: {@code connect.worker.*}
 * (any Connect worker setting) over the defaults below; metrics on {@code connect.metrics.port}.
 */
public final class ConnectMain {
  private static final Logger log = LoggerFactory.getLogger(ConnectMain.class);

  private ConnectMain() {}

  public static void main(String[] args) throws Exception {
    ConfigSource config = ConfigSource.load(args.length > 0 ? Optional.of(Path.of(args[0])) : Optional.empty());
    String bootstrap = config.required("kafka.bootstrap.servers");
    short replication = (short) config.integer("kafka.replication.factor", 1);
    Topics topics = Topics.from(config);
    TopicProvisioner.ensure(bootstrap, List.of(topics.messages(), topics.lastSeen(), topics.deadLetters()), replication);

    applySchema(config);

    PrometheusRegistry registry = PrometheusRegistry.defaultRegistry;
    JvmMetrics.builder().register(registry);
    registry.register(new ConnectMetrics());
    registry.register(new JmxGauges(List.of(
        new JmxGauges.Bean("kafka.connect:type=connect-worker-metrics,connector=*", "connector-running-task-count",
            "kafka_connect_connector_running_tasks", "tasks of a connector running on this worker", List.of("connector")),
        new JmxGauges.Bean("kafka.connect:type=connect-worker-metrics,connector=*", "connector-failed-task-count",
            "kafka_connect_connector_failed_tasks", "tasks of a connector failed on this worker", List.of("connector")),
        new JmxGauges.Bean("kafka.connect:type=connect-worker-metrics", "task-count",
            "kafka_connect_worker_tasks", "tasks assigned to this worker", List.of()))));
    HTTPServer.builder().port(config.integer("connect.metrics.port", 9405)).registry(registry).buildAndStart();

    Map<String, String> worker = workerSettings(config, bootstrap, replication);
    Connect<?> connect = new ConnectDistributed().startConnect(worker);
    URI rest = connect.rest().advertisedUrl();
    log.info("Connect worker of {} at {}", worker.get("group.id"), rest);

    Map<String, String> cassandra = new HashMap<>();
    config.withPrefix("cassandra.").forEach((k, v) -> cassandra.put("cassandra." + k, v));
    config.get("history.preview.chars").ifPresent(v -> cassandra.put("history.preview.chars", v));
    int tasks = config.integer("connect.tasks", 2);
    submit(rest, ParleyConnectors.LAST_SEEN, ParleyConnectors.lastSeen(topics, cassandra, tasks, replication));
    if (HistorySettings.from(config).mode() == HistoryMode.PERMANENT) {
      submit(rest, ParleyConnectors.MESSAGES, ParleyConnectors.messages(topics, cassandra, tasks, replication));
    }
    connect.awaitStop();
  }

  /**
   * The sinks apply Parley's CQL schema when their first records arrive; the history API only checks
   * it. A worker applies it at start too (idempotent, with {@code cassandra.keyspace.replication}), so
   * the API can start before the first message is written.
   */
  private static void applySchema(ConfigSource config) {
    CassandraSettings cassandra = CassandraSettings.from(config);
    try (CqlSession session = CqlSessions.open(cassandra, ConnectMain.class.getClassLoader())) {
      List<Integer> applied = CqlSchema.migrate(session, cassandra.keyspace(), cassandra.replication());
      log.info("Cassandra schema of keyspace {}: applied versions {}", cassandra.keyspace(), applied);
    }
  }

  static Map<String, String> workerSettings(ConfigSource config, String bootstrap, short replication) {
    String prefix = config.string("kafka.topic.prefix", "parley.");
    Map<String, String> w = new HashMap<>();
    w.put("bootstrap.servers", bootstrap);
    w.put("group.id", config.string("connect.group.id", "parley-connect"));
    w.put("config.storage.topic", prefix + "connect-configs");
    w.put("offset.storage.topic", prefix + "connect-offsets");
    w.put("status.storage.topic", prefix + "connect-status");
    w.put("config.storage.replication.factor", String.valueOf(replication));
    w.put("offset.storage.replication.factor", String.valueOf(replication));
    w.put("status.storage.replication.factor", String.valueOf(replication));
    w.put("listeners", "http://0.0.0.0:" + config.integer("connect.rest.port", 8083));
    config.get("connect.advertised.host").ifPresent(h -> w.put("rest.advertised.host.name", h));
    w.put("plugin.discovery", "service_load");
    w.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
    w.put("value.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
    w.put("task.shutdown.graceful.timeout.ms", "5000");
    w.put("scheduled.rebalance.max.delay.ms", "10000");
    w.putAll(config.withPrefix("connect.worker."));
    return w;
  }

  /** PUT /connectors/{name}/config until the Connect cluster accepts it (the group may still be forming). */
  private static void submit(URI rest, String name, Map<String, String> connector) throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    String json = connector.entrySet().stream()
        .map(e -> quote(e.getKey()) + ":" + quote(e.getValue())).collect(Collectors.joining(",", "{", "}"));
    HttpRequest put = HttpRequest.newBuilder(rest.resolve("/connectors/" + name + "/config"))
        .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
        .PUT(HttpRequest.BodyPublishers.ofString(json)).build();
    long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
    while (true) {
      HttpResponse<String> answer = http.send(put, HttpResponse.BodyHandlers.ofString());
      if (answer.statusCode() / 100 == 2) {
        log.info("connector {} configured ({})", name, answer.statusCode());
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("Connect refused connector " + name + ": " + answer.statusCode() + " " + answer.body());
      }
      log.info("connector {} not accepted yet ({}: {}), retrying", name, answer.statusCode(), answer.body());
      Thread.sleep(2_000);
    }
  }

  private static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
