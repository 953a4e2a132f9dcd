package io.parley.devstack;

import io.parley.history.HistoryMode;
import io.parley.history.HistorySettings;
import io.parley.kafka.TopicProvisioner;
import io.parley.kafka.Topics;
import io.parley.sinks.connect.ParleyConnectors;
import io.parley.sinks.local.ConnectMetrics;
import io.parley.sinks.local.ConnectWorker;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Kafka Connect worker in the local stack's JVM (standalone mode) running Parley's sinks: last seen
 * and the analytics job's trends always, messages and their tags only in {@code history.mode=permanent}. Its connector metrics are
 * served on {@code /metrics} as {@code parley_sink_*}.
 */
public final class ConnectService implements LocalService {
  private static final Logger log = LoggerFactory.getLogger(ConnectService.class);

  private ConnectWorker worker;
  private ConnectMetrics metrics;
  private Map<String, String> settings = Map.of();

  @Override
  public String name() {
    return "Kafka Connect";
  }

  @Override
  public void start(Context context) throws Exception {
    if (context.config().get(CassandraService.CONTACT_POINTS).isEmpty()) {
      log.info("no Cassandra: the sink connectors are not run");
      return;
    }
    Topics topics = Topics.from(context.config());
    short replication = (short) context.config().integer("kafka.replication.factor", 1);
    // The sinks' topics may not exist yet (the topology creates them later): create them alike.
    TopicProvisioner.ensure(context.bootstrapServers(), List.of(topics.messages(), topics.lastSeen(), topics.deadLetters(),
        topics.messageTags(), topics.topicTrends()),
        replication);
    worker = ConnectWorker.start(context.bootstrapServers(), context.dataDir().resolve("connect"), Map.of());
    metrics = new ConnectMetrics();
    context.registry().register(metrics);

    Map<String, String> cassandra = new HashMap<>();
    context.config().withPrefix("cassandra.").forEach((k, v) -> cassandra.put("cassandra." + k, v));
    context.config().get("history.preview.chars").ifPresent(v -> cassandra.put("history.preview.chars", v));
    int tasks = context.config().integer("connect.tasks", 1);
    HistoryMode mode = HistorySettings.from(context.config()).mode();
    worker.put(ParleyConnectors.LAST_SEEN, ParleyConnectors.lastSeen(topics, cassandra, tasks, replication));
    worker.put(ParleyConnectors.TOPIC_TRENDS, ParleyConnectors.topicTrends(topics, cassandra, replication));
    if (mode == HistoryMode.PERMANENT) {
      worker.put(ParleyConnectors.MESSAGES, ParleyConnectors.messages(topics, cassandra, tasks, replication));
      worker.put(ParleyConnectors.MESSAGE_TAGS, ParleyConnectors.messageTags(topics, cassandra, tasks, replication));
    } else {
      for (String historyOnly : List.of(ParleyConnectors.MESSAGES, ParleyConnectors.MESSAGE_TAGS)) {
        if (worker.status(historyOnly).isPresent()) {
          worker.delete(historyOnly);
        }
      }
    }
    worker.awaitRunning(ParleyConnectors.LAST_SEEN, Duration.ofSeconds(60));
    worker.awaitRunning(ParleyConnectors.TOPIC_TRENDS, Duration.ofSeconds(60));
    if (mode == HistoryMode.PERMANENT) {
      worker.awaitRunning(ParleyConnectors.MESSAGES, Duration.ofSeconds(60));
      worker.awaitRunning(ParleyConnectors.MESSAGE_TAGS, Duration.ofSeconds(60));
    }
    settings = Map.of("connect.rest.url", worker.restUrl().toString());
    log.info("Kafka Connect at {} runs {}", worker.restUrl(),
        mode == HistoryMode.PERMANENT ? "every sink" : "the last-seen and trends sinks (history.mode=ephemeral)");
  }

  @Override
  public Map<String, String> settings() {
    return settings;
  }

  public ConnectWorker worker() {
    if (worker == null) {
      throw new IllegalStateException("this stack runs no Connect worker");
    }
    return worker;
  }

  /** The sinks' own counters (rows written, retries, dead letters), as served on /metrics. */
  public ConnectMetrics metrics() {
    return metrics;
  }

  @Override
  public void close() throws Exception {
    if (worker != null) {
      worker.close();
    }
  }
}
