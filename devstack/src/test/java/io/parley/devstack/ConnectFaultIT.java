package io.parley.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import com.fasterxml.jackson.databind.JsonNode;
import io.parley.kafka.TopicProvisioner;
import io.parley.kafka.Topics;
import io.parley.sinks.connect.ParleyConnectors;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Kafka Connect in distributed mode, two workers in processes of their own ({@link
 * ConnectWorkerProcess}) running Parley's two sinks with two tasks each; one worker is SIGKILLed
 * mid-stream. The other takes its tasks over once the group gives up on it, resumes from the last
 * committed offsets, and the history in Cassandra ends up complete — every acknowledged message
 * once, in order — while last seen keeps being written.
 */
class ConnectFaultIT {
  private static final String[] CONNECTORS = {ParleyConnectors.MESSAGES, ParleyConnectors.LAST_SEEN};
  private static FaultStack f;
  private static StackFixture it;
  private static final List<ConnectWorkerProcess> workers = new ArrayList<>();
  private static CqlSession cql;

  @BeforeAll
  static void start() throws Exception {
    f = FaultStack.start("connect-faults", FaultStack.seed(), dir -> {
      List<LocalService> services = LocalServices.defaults();
      services.removeIf(ConnectService.class::isInstance); // the workers are processes of their own
      Map<String, String> settings = new HashMap<>(SharedCassandra.newKeyspace());
      settings.put("gateway.sends.per.second", "1000");
      settings.put("cassandra.retry.backoff.max.ms", "2000");
      return new StackFixture(2, settings, services);
    });
    it = f.it;
    String bootstrap = it.stack.bootstrapServers();
    Topics topics = Topics.from(it.stack.config());
    TopicProvisioner.ensure(bootstrap, List.of(topics.messages(), topics.lastSeen(), topics.deadLetters()), (short) 1);
    String group = "parley-connect-" + UUID.randomUUID().toString().substring(0, 8);
    for (String name : List.of("w1", "w2")) {
      workers.add(ConnectWorkerProcess.start(name, group, f.dir, bootstrap, 1, Duration.ofSeconds(90)));
    }
    Map<String, String> cassandra = new HashMap<>();
    it.stack.config().withPrefix("cassandra.").forEach((k, v) -> cassandra.put("cassandra." + k, v));
    workers.get(0).put(ParleyConnectors.MESSAGES, ParleyConnectors.messages(topics, cassandra, 2, (short) 1));
    workers.get(0).put(ParleyConnectors.LAST_SEEN, ParleyConnectors.lastSeen(topics, cassandra, 2, (short) 1));
    String[] contact = it.stack.config().required(CassandraService.CONTACT_POINTS).split(",")[0].split(":");
    cql = CqlSession.builder().addContactPoint(new InetSocketAddress(contact[0], Integer.parseInt(contact[1])))
        .withLocalDatacenter("datacenter1").withKeyspace(it.stack.config().required("cassandra.keyspace")).build();
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (cql != null) {
        cql.close();
      }
      for (ConnectWorkerProcess w : workers) {
        w.close();
      }
    } finally {
      if (f != null) {
        f.close();
      }
    }
  }

  @Test
  @Timeout(300)
  void shouldKeepTheHistoryCompleteAndLastSeenFlowingWhenAConnectWorkerIsKilled() throws Exception {
    ConnectWorkerProcess first = workers.get(0);
    ConnectWorkerProcess second = workers.get(1);
    // both workers run tasks before the fault, so the kill takes some away
    awaitTasks(first, "spread over both workers", Duration.ofSeconds(90),
        owners -> owners.contains(first.workerId()) && owners.contains(second.workerId()));
    try (FaultRun run = f.run("connectWorkerKilled", () -> "--- w1\n" + first.tail() + "\n--- w2\n" + second.tail())) {
      CrashLedger ledger = new CrashLedger();
      List<SendLoad.Route> routes = run.pairs(ledger, "cw", 3);
      try (SendLoad traffic = run.start(ledger, routes, 30)) {
        run.awaitFlowing(ledger, 40);
        run.pause(500, 2_000);
        ConnectWorkerProcess victim = run.random.nextBoolean() ? first : second;
        ConnectWorkerProcess survivor = victim == first ? second : first;
        run.log("tasks before the kill: %s", owners(survivor));
        long killed = System.nanoTime();
        victim.kill();
        run.log("killed Connect worker %s (SIGKILL) after %d sends", victim.name, ledger.sentCount());

        // last seen after the kill: a user going online is written by whichever worker runs the task
        String seen = "cw-seen";
        it.users(seen);
        Instant online = Instant.now();
        WsClient device = it.connect(0, seen, "phone");
        try {
          Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).until(() -> {
            Row row = cql.execute("SELECT last_seen, online FROM last_seen WHERE user = ?", seen).one();
            return row != null && row.getBoolean("online") && !row.getInstant("last_seen").isBefore(online.minusSeconds(1));
          });
          run.log("last seen of a user who came online after the kill written %d ms later", Duration.between(online, Instant.now()).toMillis());
        } finally {
          device.close();
        }

        awaitTasks(survivor, "all on " + survivor.name, Duration.ofSeconds(90),
            owners -> owners.stream().allMatch(survivor.workerId()::equals));
        run.log("every task runs on %s, %d ms after the kill", survivor.name, (System.nanoTime() - killed) / 1_000_000);
        run.awaitCaughtUp(ledger, ledger.sentCount());
        Thread.sleep(2_000);
      }
      run.verify(ledger);
      long t0 = System.nanoTime();
      int messages = HistoryCheck.assertComplete(it, ledger, Duration.ofSeconds(90));
      run.log("history complete: %d messages, %d ms after delivery caught up", messages, (System.nanoTime() - t0) / 1_000_000);
    }
  }

  /** The worker ids running each connector and task, when every one of them is RUNNING; otherwise empty. */
  private static List<String> owners(ConnectWorkerProcess asked) {
    List<String> owners = new ArrayList<>();
    for (String connector : CONNECTORS) {
      JsonNode status = asked.status(connector);
      if (status == null || !"RUNNING".equals(status.path("connector").path("state").asText())
          || status.path("tasks").size() < 2) {
        return List.of();
      }
      owners.add(status.path("connector").path("worker_id").asText());
      for (JsonNode task : status.path("tasks")) {
        if (!"RUNNING".equals(task.path("state").asText())) {
          return List.of();
        }
        owners.add(task.path("worker_id").asText());
      }
    }
    return owners;
  }

  private static void awaitTasks(ConnectWorkerProcess asked, String what, Duration timeout,
      java.util.function.Predicate<List<String>> done) {
    AtomicReference<List<String>> last = new AtomicReference<>(List.of());
    Awaitility.await("connectors and tasks running, " + what).atMost(timeout).pollInterval(Duration.ofMillis(250))
        .until(() -> {
          last.set(owners(asked));
          return !last.get().isEmpty() && done.test(last.get());
        });
    assertThat(last.get()).isNotEmpty();
  }
}
