package io.parley.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.eclipse.jetty.websocket.client.WebSocketClient;

/**
 * One fault test's workload and its checks: devices on real sockets sending at a steady rate
 * ({@link SendLoad}) and recording everything ({@link RecordingClient}, {@link CrashLedger}), the
 * waits between the steps of a fault, and the verdict: every message acknowledged {@code sent}
 * delivered once after de-duplication, in order, its receipt back, nothing needing a sync.
 */
final class FaultRun implements AutoCloseable {
  private final StackFixture it;
  private final WebSocketClient sockets;
  private final TopicEvidence topics;
  private final Path dir;
  private final String test;
  private final long seed;
  private final Supplier<String> processTails;
  private final long started = System.nanoTime();
  final Random random;
  private final List<RecordingClient> devices = new ArrayList<>();
  private List<String> gatewayIds = List.of("gw-1", "gw-2");
  private SendLoad load;

  /**
   * @param processTails the ends of the logs of the processes the test kills, for a failure's message
   */
  FaultRun(StackFixture it, WebSocketClient sockets, TopicEvidence topics, Path dir, String test, long seed,
      Supplier<String> processTails) {
    this.it = it;
    this.sockets = sockets;
    this.topics = topics;
    this.dir = dir;
    this.test = test;
    this.seed = seed;
    this.processTails = processTails;
    this.random = new Random(seed ^ test.hashCode());
  }

  /** Users in pairs, each pair across the stack's first two gateways, each user sending to the other. */
  List<SendLoad.Route> pairs(CrashLedger ledger, String prefix, int pairs) throws Exception {
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

  RecordingClient connect(CrashLedger ledger, String user, int gateway) throws Exception {
    return connect(ledger, user, it.stack.gateway(gateway).webSocketUri());
  }

  RecordingClient connect(CrashLedger ledger, String user, java.net.URI webSocket) throws Exception {
    return connect(ledger, user, "phone", webSocket);
  }

  /** Another device of a user is one more connection, held by the ledger to every claim on its own. */
  RecordingClient connect(CrashLedger ledger, String user, String device, java.net.URI webSocket) throws Exception {
    RecordingClient c = RecordingClient.connect(sockets, webSocket, user, device, it.stack.tokens().issue(user, device));
    devices.add(c);
    ledger.add(c);
    return c;
  }

  /** The gateways whose delivery topics the report reads (gw-1 and gw-2 unless told). */
  void gateways(List<String> ids) {
    gatewayIds = List.copyOf(ids);
  }

  SendLoad start(CrashLedger ledger, List<SendLoad.Route> routes, int perSecond) {
    load = SendLoad.start(ledger, routes, perSecond);
    log("sending %d messages a second over %d routes", perSecond, routes.size());
    return load;
  }

  /**
   * Waits until traffic flows; then, in the full suite ({@code ./parley faults}), lets it run
   * {@code -Dfault.soak.seconds} more before the test strikes (0 in CI).
   */
  void awaitFlowing(CrashLedger ledger, int deliveries) throws InterruptedException {
    awaitUntil(deliveries + " deliveries", () -> ledger.delivered() >= deliveries,
        () -> ledger.delivered() + " deliveries", Duration.ofSeconds(120));
    long soak = Long.getLong("fault.soak.seconds", 0);
    if (soak > 0) {
      log("steady traffic for %d s before the fault", soak);
      long end = System.nanoTime() + soak * 1_000_000_000L;
      while (System.nanoTime() < end) {
        load.check();
        Thread.sleep(1_000);
      }
    }
  }

  /** Waits until the first {@code sends} have arrived, receipts included: whatever took over has caught up. */
  void awaitCaughtUp(CrashLedger ledger, int sends) {
    awaitCaughtUp(ledger, sends, Duration.ofSeconds(60));
  }

  void awaitCaughtUp(CrashLedger ledger, int sends, Duration timeout) {
    long t0 = System.nanoTime();
    awaitUntil("everything of the first " + sends + " sends arrived", () -> ledger.outstanding(sends) == 0,
        () -> ledger.outstanding(sends) + " deliveries and receipts outstanding", timeout);
    log("caught up with the first %d sends in %d ms", sends, (System.nanoTime() - t0) / 1_000_000);
  }

  void awaitUntil(String what, BooleanSupplier done, Supplier<String> state, Duration timeout) {
    try {
      Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(100)).until(() -> {
        load.check(); // a load that stopped is the failure, not the wait
        return done.getAsBoolean();
      });
    } catch (ConditionTimeoutException e) {
      throw new AssertionError("not within " + timeout + ": " + what + " (" + state.get() + "); processes:\n"
          + processTails.get() + topics.stallReport(), e);
    }
  }

  void pause(int minMillis, int maxMillis) throws InterruptedException {
    Thread.sleep(minMillis + random.nextInt(maxMillis - minMillis));
  }

  /**
   * Waits for every delivery and receipt (first without any help from the client, then after a
   * sync, to tell "late" from "needed a sync"), then checks every claim and reports the numbers.
   */
  CrashLedger.Report verify(CrashLedger ledger) throws Exception {
    long drainStart = System.nanoTime();
    // The last sends' answers first: a send acknowledged after the drain began would count as
    // missing without having had its chance. (Sends written into a socket given up on stay unanswered.)
    awaitAtMost(() -> ledger.unanswered() == 0, Duration.ofSeconds(10));
    awaitAtMost(() -> ledger.outstanding() == 0, Duration.ofSeconds(40));
    int missingWithoutSync = ledger.outstanding();
    if (missingWithoutSync > 0) {
      log("%d deliveries/receipts still missing after 40 s; syncing every device", missingWithoutSync);
      for (RecordingClient c : devices) {
        c.sync(ledger.contiguous(c));
      }
      awaitAtMost(() -> ledger.outstanding() == 0, Duration.ofSeconds(20));
    }
    Thread.sleep(1_500); // late repeats of a seq belong in the count
    CrashLedger.Report report = ledger.check();
    List<TopicEvidence.Routed> routed = topics.deliveries(gatewayIds).stream()
        .filter(r -> ledger.users().contains(r.user())).toList();
    long aborted = routed.stream().filter(r -> !r.committed()).count();
    int handoffsAgain = topics.handoffsWrittenAgain(ledger.users());
    log("%s%n  longest delivery %d ms; drained in %d ms; missing before any sync: %d; deliveries routed %d, of them read by the gateways from"
            + " transactions that aborted: %d; hand-offs written again by a replay (dropped by Origins): %d; test took %d s",
        report.numbers(), ledger.longestDeliveryMillis(), (System.nanoTime() - drainStart) / 1_000_000, missingWithoutSync, routed.size(), aborted, handoffsAgain,
        (System.nanoTime() - started) / 1_000_000_000);
    if (!report.clean()) {
      Path evidence = dir.resolve(test + "-deliveries.txt");
      Files.write(evidence, routed.stream().map(TopicEvidence.Routed::toString).toList());
      log("VIOLATIONS (every routed record in %s):%n%s", evidence, report.violationsText());
    }
    assertThat(report.failedWrites).as("frames the test could not write").isZero();
    assertThat(report.acknowledged).as("messages acknowledged with sent").isGreaterThan(report.attempted * 9 / 10);
    assertThat(report.violationsText()).as("fault claims (seed %d, logs in %s)", seed, dir).isEmpty();
    assertThat(missingWithoutSync).as("deliveries and receipts that needed a sync").isZero();
    return report;
  }

  /** Waits until {@code done} or {@code timeout}, whichever comes first; what is left is for the caller to judge. */
  private static void awaitAtMost(BooleanSupplier done, Duration timeout) {
    try {
      Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(100)).until(done::getAsBoolean);
    } catch (ConditionTimeoutException e) {
      // judged by the caller
    }
  }

  void log(String format, Object... args) {
    System.out.printf("[%s +%ds] %s%n", test, (System.nanoTime() - started) / 1_000_000_000, String.format(format, args));
  }

  @Override
  public void close() {
    devices.forEach(RecordingClient::close);
  }
}
