package io.parley.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.kafka.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.eclipse.jetty.websocket.client.WebSocketClient;
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
  private static StackFixture it;
  private static Path dir;
  private static TopicEvidence topics;
  /** Sockets of its own: the stack's client gives up on a socket after 30 s without a frame, as while a topology starts. */
  private static WebSocketClient sockets;
  private static volatile boolean failed;

  @RegisterExtension
  static final TestWatcher KEEP_LOGS_OF_FAILURES = new TestWatcher() {
    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
      failed = true;
    }
  };

  private final List<TopologyProcess> forks = new ArrayList<>();
  private final List<RecordingClient> devices = new ArrayList<>();
  private SendLoad load;
  private Random random;
  private String test;
  private long started;

  @BeforeAll
  static void start() throws Exception {
    dir = Files.createTempDirectory("parley-topology-crash");
    it = new StackFixture(2, Map.of("devstack.topology.enabled", "false", "gateway.sends.per.second", "1000"));
    topics = new TopicEvidence(it.stack.bootstrapServers(), Topics.from(it.stack.config()));
    sockets = new WebSocketClient();
    sockets.setIdleTimeout(Duration.ofMinutes(5));
    sockets.start();
    System.out.printf("TopologyCrashIT: seed %d, forks' logs in %s%n", SEED, dir);
  }

  @AfterAll
  static void stop() throws Exception {
    if (sockets != null) {
      sockets.stop();
    }
    if (topics != null) {
      topics.close();
    }
    if (it != null) {
      it.close();
    }
    if (!failed && !KEEP) {
      StackFixture.deleteQuietly(dir);
    }
  }

  @BeforeEach
  void name(TestInfo info) {
    test = info.getTestMethod().orElseThrow().getName();
    random = new Random(SEED ^ test.hashCode());
    started = System.nanoTime();
  }

  @AfterEach
  void stopForks() {
    devices.forEach(RecordingClient::close);
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
    List<SendLoad.Route> routes = pairs(ledger, "ca", 5);

    try (SendLoad traffic = start(ledger, routes, 50)) {
      awaitFlowing(ledger, 20);
      // a-2 takes a-1's folder, so its Streams process id and transactional ids: its producer fences
      // a-1's open transaction at once. a-3 starts from an empty folder: a new process id, every store
      // restored from the changelogs, and a-2's open transaction ends only when it times out.
      TopologyProcess second = killAndRestart(ledger, first, "a-2", state, Map.of());
      killAndRestart(ledger, second, "a-3", dir.resolve("a-state-fresh"), Map.of());
      Thread.sleep(3_000);
    }
    verify(ledger);
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
    List<SendLoad.Route> routes = pairs(ledger, "cb", 5);

    try (SendLoad traffic = start(ledger, routes, 50)) {
      awaitFlowing(ledger, 20);
      killMidTransaction(ledger, random.nextBoolean() ? one : two);
      // Messages sent after the kill to the dead instance's users wait for the takeover; the load runs through it.
      Thread.sleep(1_000);
      awaitCaughtUp(ledger, ledger.sentCount());
      Thread.sleep(3_000);
    }
    verify(ledger);
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
      RecordingClient c = connect(ledger, members.get(i), i % 2);
      List<String> others = members.stream().filter(m -> !m.equals(c.user)).toList();
      routes.add(new SendLoad.Route(c, "group", group, others));
    }

    try (SendLoad traffic = start(ledger, routes, 20)) {
      awaitFlowing(ledger, 40);
      killAndRestart(ledger, first, "c-2", state, Map.of());
      Thread.sleep(3_000);
    }
    verify(ledger);
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
    awaitCaughtUp(ledger, ledger.sentCount());
    return p;
  }

  /**
   * SIGKILL at a random moment of steady traffic: 1-4 s in, then the first instant (within 3 s) at
   * which the doomed instance has deliveries in a transaction opened less than half a commit
   * interval ago, so that the kill aborts deliveries the gateways may already have passed on.
   */
  private void killMidTransaction(CrashLedger ledger, TopologyProcess doomed) throws Exception {
    pause(1_000, 4_000);
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

  /** Waits until the first {@code sends} have arrived, receipts included: the survivor or successor took over. */
  private void awaitCaughtUp(CrashLedger ledger, int sends) {
    long t0 = System.nanoTime();
    awaitUntil("everything of the first " + sends + " sends arrived", () -> ledger.outstanding(sends) == 0,
        () -> ledger.outstanding(sends) + " deliveries and receipts outstanding", Duration.ofSeconds(60));
    log("caught up with the first %d sends in %d ms", sends, (System.nanoTime() - t0) / 1_000_000);
  }

  /** Users in pairs, each pair across the two gateways, each user sending to the other. */
  private List<SendLoad.Route> pairs(CrashLedger ledger, String prefix, int pairs) throws Exception {
    List<SendLoad.Route> routes = new ArrayList<>();
    for (int i = 0; i < pairs; i++) {
      String a = prefix + "-" + (2 * i);
      String b = prefix + "-" + (2 * i + 1);
      it.users(a, b);
      RecordingClient ca = connect(ledger, a, 0);
      RecordingClient cb = connect(ledger, b, 1);
      routes.add(new SendLoad.Route(ca, "user", b, List.of(b)));
      routes.add(new SendLoad.Route(cb, "user", a, List.of(a)));
    }
    return routes;
  }

  private RecordingClient connect(CrashLedger ledger, String user, int gateway) throws Exception {
    RecordingClient c = RecordingClient.connect(sockets, it.stack.gateway(gateway).webSocketUri(), user,
        it.stack.tokens().issue(user, "phone"));
    devices.add(c);
    ledger.add(c);
    return c;
  }

  private SendLoad start(CrashLedger ledger, List<SendLoad.Route> routes, int perSecond) {
    load = SendLoad.start(ledger, routes, perSecond);
    log("sending %d messages a second over %d routes", perSecond, routes.size());
    return load;
  }

  private void awaitFlowing(CrashLedger ledger, int deliveries) {
    awaitUntil(deliveries + " deliveries", () -> ledger.delivered() >= deliveries,
        () -> ledger.delivered() + " deliveries", Duration.ofSeconds(60));
  }

  private void awaitUntil(String what, BooleanSupplier done, Supplier<String> state, Duration timeout) {
    try {
      Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(100)).until(() -> {
        load.check(); // a load that stopped is the failure, not the wait
        return done.getAsBoolean();
      });
    } catch (ConditionTimeoutException e) {
      throw new AssertionError("not within " + timeout + ": " + what + " (" + state.get() + "); forks:\n" + forkTails(), e);
    }
  }

  private void pause(int minMillis, int maxMillis) throws InterruptedException {
    Thread.sleep(minMillis + random.nextInt(maxMillis - minMillis));
  }

  /**
   * Waits for every delivery and receipt (first without any help from the client, then after a
   * sync, to tell "late" from "needed a sync"), then checks every claim and reports the numbers.
   */
  private void verify(CrashLedger ledger) throws Exception {
    long drainStart = System.nanoTime();
    awaitQuiet(ledger, Duration.ofSeconds(40));
    int missingWithoutSync = ledger.outstanding();
    if (missingWithoutSync > 0) {
      log("%d deliveries/receipts still missing after 40 s; syncing every device", missingWithoutSync);
      for (RecordingClient c : devices) {
        c.sync(ledger.contiguous(c.user));
      }
      awaitQuiet(ledger, Duration.ofSeconds(20));
    }
    Thread.sleep(1_500); // late repeats of a seq belong in the count
    CrashLedger.Report report = ledger.check();
    List<TopicEvidence.Routed> routed = topics.deliveries(List.of("gw-1", "gw-2")).stream()
        .filter(r -> ledger.users().contains(r.user())).toList();
    long aborted = routed.stream().filter(r -> !r.committed()).count();
    int handoffsAgain = topics.handoffsWrittenAgain(ledger.users());
    log("%s%n  drained in %d ms; missing before any sync: %d; deliveries routed %d, of them read by the gateways from"
            + " transactions that aborted: %d; hand-offs written again by a replay (dropped by Origins): %d; test took %d s",
        report.numbers(), (System.nanoTime() - drainStart) / 1_000_000, missingWithoutSync, routed.size(), aborted, handoffsAgain,
        (System.nanoTime() - started) / 1_000_000_000);
    if (!report.clean()) {
      Path evidence = dir.resolve(test + "-deliveries.txt");
      Files.write(evidence, routed.stream().map(TopicEvidence.Routed::toString).toList());
      log("VIOLATIONS (every routed record in %s):%n%s", evidence, report.violationsText());
    }
    assertThat(report.failedWrites).as("frames the test could not write").isZero();
    assertThat(report.acknowledged).as("messages acknowledged with sent").isGreaterThan(report.attempted * 9 / 10);
    assertThat(report.violationsText()).as("crash claims (seed %d, logs in %s)", SEED, dir).isEmpty();
    assertThat(missingWithoutSync).as("deliveries and receipts that needed a sync").isZero();
  }

  private static void awaitQuiet(CrashLedger ledger, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (ledger.outstanding() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(200);
    }
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
    System.out.printf("[%s +%ds] %s%n", test, (System.nanoTime() - started) / 1_000_000_000, String.format(format, args));
  }
}
