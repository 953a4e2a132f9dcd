package io.parley.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.kafka.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * The topology killed with SIGKILL mid-stream, as a crashed machine: no commit, no goodbye, open
 * transactions left open, hand-offs in flight. The topology runs in processes of its own
 * ({@link TopologyProcess}); Kafka, the directory and two gateways stay up in this JVM. Devices on
 * real sockets send at a steady rate and ack everything; afterwards every message the server
 * acknowledged with {@code sent} must have reached its recipients once after de-duplication by id,
 * in order, with its receipt back once, and no seq may ever have carried two different things
 * ({@link CrashLedger}). Raw repeats of a seq are allowed (gateways read deliveries uncommitted) and
 * counted.
 *
 * <p>The kill points are random; the seed is printed ({@code -Dcrash.seed=...} replays the same
 * choices, not the same interleaving). The forks' logs stay in the printed folder when a test fails
 * (or with {@code -Dcrash.keep=true}); when a claim fails, every record routed to the test's users is
 * written beside them, marked committed or aborted.
 */
class TopologyCrashIT {
  private static final long SEED = Long.getLong("crash.seed", System.nanoTime());
  /** {@code -Dcrash.keep=true} keeps the forks' logs and state of a passing run too. */
  private static final boolean KEEP = Boolean.getBoolean("crash.keep");
  private static final Duration START = Duration.ofSeconds(90);
  private static FaultStack f;
  private static StackFixture it;
  private static Path dir;
  private static TopicEvidence topics;
  private static volatile boolean failed;

  @RegisterExtension
  static final TestWatcher KEEP_LOGS_OF_FAILURES = new TestWatcher() {
    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
      failed = true;
    }
  };

  private final List<TopologyProcess> forks = new ArrayList<>();
  private FaultRun run;

  @BeforeAll
  static void start() throws Exception {
    f = FaultStack.start("topology-crash", SEED,
        d -> new StackFixture(2, Map.of("devstack.topology.enabled", "false", "gateway.sends.per.second", "1000")));
    it = f.it;
    dir = f.dir;
    topics = f.topics;
  }

  @AfterAll
  static void stop() throws Exception {
    if (f != null) {
      f.close();
    }
    if (!failed && !KEEP && dir != null) {
      StackFixture.deleteQuietly(dir);
    }
  }

  @BeforeEach
  void name(TestInfo info) {
    run = f.run(info.getTestMethod().orElseThrow().getName(), this::forkTails);
  }

  @AfterEach
  void stopForks() {
    run.close();
    // A clean stop leaves the group, so the next test's topology gets every partition at once.
    forks.forEach(TopologyProcess::close);
  }

  @Test
  @Timeout(150)
  void shouldDeliverEverythingOnceWhenTheTopologyIsKilledAndRestarted() throws Exception {
    Path state = dir.resolve("a-state");
    TopologyProcess first = fork("a-1", state, Map.of());
    first.awaitRunning(START);
    CrashLedger ledger = new CrashLedger();
    List<SendLoad.Route> routes = run.pairs(ledger, "ca", 5);

    try (SendLoad traffic = run.start(ledger, routes, 50)) {
      run.awaitFlowing(ledger, 20);
      // a-2 takes a-1's folder, so its Streams process id and transactional ids: its producer fences
      // a-1's open transaction at once. a-3 starts from an empty folder: a new process id, every store
      // restored from the changelogs, and a-2's open transaction ends only when it times out.
      TopologyProcess second = killAndRestart(ledger, first, "a-2", state, Map.of());
      killAndRestart(ledger, second, "a-3", dir.resolve("a-state-fresh"), Map.of());
      Thread.sleep(3_000);
    }
    run.verify(ledger);
  }

  @Test
  @Timeout(120)
  void shouldDeliverEverythingOnceWhenOneOfTwoInstancesIsKilled() throws Exception {
    Map<String, String> standby = Map.of("topology.streams.num.standby.replicas", "1");
    TopologyProcess one = fork("b-1", dir.resolve("b-state-1"), standby);
    TopologyProcess two = fork("b-2", dir.resolve("b-state-2"), standby);
    one.awaitRunning(START);
    two.awaitRunning(START);
    CrashLedger ledger = new CrashLedger();
    List<SendLoad.Route> routes = run.pairs(ledger, "cb", 5);

    try (SendLoad traffic = run.start(ledger, routes, 50)) {
      run.awaitFlowing(ledger, 20);
      killMidTransaction(ledger, run.random.nextBoolean() ? one : two);
      // Messages sent after the kill to the dead instance's users wait for the takeover; the load runs through it.
      Thread.sleep(1_000);
      run.awaitCaughtUp(ledger, ledger.sentCount());
      Thread.sleep(3_000);
    }
    run.verify(ledger);
  }

  @Test
  @Timeout(120)
  void shouldFanOutEveryGroupMessageOnceWhenTheTopologyIsKilled() throws Exception {
    List<String> members = List.of("cc-0", "cc-1", "cc-2", "cc-3", "cc-4");
    it.users(members.toArray(String[]::new));
    Http http = new Http(it.stack.gateway(0).uri());
    Http.Reply created = http.post("/v1/groups", Map.of("name", "crash", "members", members.subList(1, members.size())),
        it.stack.tokens().issue(members.get(0), "phone"));
    assertThat(created.status()).isEqualTo(201);
    String group = created.body().get("id").asText();
    // The topology must know the members before the first message: wait for the directory's relay.
    Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
        .until(() -> topics.hasKey(Topics.from(it.stack.config()).groupMembers().name(), group));

    Path state = dir.resolve("c-state");
    TopologyProcess first = fork("c-1", state, Map.of());
    first.awaitRunning(START);
    CrashLedger ledger = new CrashLedger();
    List<SendLoad.Route> routes = new ArrayList<>();
    for (int i = 0; i < members.size(); i++) {
      RecordingClient c = run.connect(ledger, members.get(i), i % 2);
      List<String> others = members.stream().filter(m -> !m.equals(c.user)).toList();
      routes.add(new SendLoad.Route(c, "group", group, others));
    }

    try (SendLoad traffic = run.start(ledger, routes, 20)) {
      run.awaitFlowing(ledger, 40);
      killAndRestart(ledger, first, "c-2", state, Map.of());
      Thread.sleep(3_000);
    }
    run.verify(ledger);
  }

  // --- the steps ---

  private TopologyProcess fork(String name, Path state, Map<String, String> overrides) throws Exception {
    TopologyProcess p = TopologyProcess.start(name, dir, it.stack.config(), state, overrides);
    forks.add(p);
    log("started topology %s (pid %d) on %s", name, p.pid(), state.getFileName());
    return p;
  }

  /** Kills {@code doomed} a random moment into steady traffic, starts {@code next}, and waits for traffic to flow through it. */
  private TopologyProcess killAndRestart(CrashLedger ledger, TopologyProcess doomed, String next, Path state,
      Map<String, String> overrides) throws Exception {
    killMidTransaction(ledger, doomed);
    TopologyProcess p = fork(next, state, overrides);
    p.awaitRunning(START);
    log("%s RUNNING", next);
    run.awaitCaughtUp(ledger, ledger.sentCount());
    return p;
  }

  /**
   * SIGKILL at a random moment of steady traffic: 1-4 s in, then the first instant (within 3 s) at
   * which the doomed instance has deliveries in a transaction opened less than half a commit
   * interval ago, so that the kill aborts deliveries the gateways may already have passed on.
   */
  private void killMidTransaction(CrashLedger ledger, TopologyProcess doomed) throws Exception {
    run.pause(1_000, 4_000);
    String processId = doomed.processId();
    long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
    boolean open;
    do {
      open = topics.deliveringInOpenTransaction(processId, Duration.ofMillis(50));
    } while (!open && System.nanoTime() < deadline);
    doomed.kill();
    log("killed %s (pid %d) after %d sends, %s", doomed.name, doomed.pid(), ledger.sentCount(),
        open ? "while a transaction of it held deliveries" : "(no open transaction with deliveries seen in 3 s)");
  }

  private String forkTails() {
    StringBuilder out = new StringBuilder();
    for (TopologyProcess p : forks) {
      out.append("--- ").append(p.name).append(p.isAlive() ? " (alive)" : " (dead)").append('\n');
      String tail = p.tail();
      out.append(tail, Math.max(0, tail.length() - 1500), tail.length()).append('\n');
    }
    return out.toString();
  }

  private void log(String format, Object... args) {
    run.log(format, args);
  }
}
