package io.parley.devstack;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Faults on a cluster whose every part on the message path is a process of its own: three KRaft
 * brokers ({@link KafkaBrokers}), two topology instances with a standby replica of every store
 * ({@link TopologyProcess}) and three gateways ({@link GatewayProcess}).
 *
 * <p>Combined: a gateway hangs for 60 s (its clients move to the other after 10 s of silence) and,
 * while it hangs, the broker leading the most mailbox partitions is SIGKILLed and started again.
 *
 * <p>Restart: everything on the message path crashes at the same moment — the three KRaft brokers, both
 * topology instances and the three gateways, each a process of its own, SIGKILLed by one {@code kill} — and is
 * started again on its own folders, as after a power cut. Devices reconnect and carry on. Every
 * message acknowledged {@code sent} before or after the crash must reach its recipient once after
 * de-duplication, in order, with its receipt, without a sync.
 *
 * <p>Outage: every broker hangs for longer than the gateways' lease, and the sessions must survive it.
 *
 * <p>One user of each pair has two devices on two gateways; the checker holds each device to every
 * claim.
 *
 * <p>The directory's MariaDB and the test's own JVM (which runs the directory's outbox relay) stay
 * up: the shared database serves every test in the JVM, and a database that stops answering is
 * {@code DirectoryFaultIT}'s fault.
 */
class ClusterFaultIT {
  private static final Duration START = Duration.ofSeconds(120);
  private static final Map<String, String> STANDBY = Map.of("topology.streams.num.standby.replicas", "1");
  private static final List<String> GATEWAYS = List.of("gw-1", "gw-2", "gw-3");
  private static KafkaBrokers brokers;
  private static FaultStack f;
  private static StackFixture it;
  private static final List<TopologyProcess> topologies = new ArrayList<>();
  private static final List<GatewayProcess> gateways = new ArrayList<>();
  private static List<String> messagePath;

  @BeforeAll
  static void start() throws Exception {
    f = FaultStack.start("cluster-faults", FaultStack.seed(), dir -> {
      brokers = KafkaBrokers.start(dir, 3, Duration.ofSeconds(180));
      return StackFixture.onBrokers(brokers, 0, Map.of("devstack.topology.enabled", "false"));
    });
    it = f.it;
    startTopologies();
    for (String id : GATEWAYS) {
      gateways.add(GatewayProcess.start(id, f.dir, it.stack.config(), Duration.ofSeconds(60)));
    }
    messagePath = f.messagePath(GATEWAYS);
  }

  @BeforeEach
  void inSync() {
    brokers.awaitFullyReplicated(messagePath, Duration.ofSeconds(90));
  }

  /**
   * Six pairs, each across two of the three gateways; the second user of each pair also has a
   * tablet, on the first user's gateway, which must get everything its phone gets. (On the sender's
   * gateway, its session opening reaches the mailbox before the first message to it: both come
   * through that gateway's one producer, in order.)
   */
  private static List<SendLoad.Route> pairs(FaultRun run, CrashLedger ledger, String prefix, List<RecordingClient> devices)
      throws Exception {
    List<SendLoad.Route> routes = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      String a = prefix + "-" + (2 * i);
      String b = prefix + "-" + (2 * i + 1);
      it.users(a, b);
      RecordingClient ca = run.connect(ledger, a, gateways.get(i % 3).webSocketUri());
      RecordingClient tablet = run.connect(ledger, b, "tablet", gateways.get(i % 3).webSocketUri());
      RecordingClient cb = run.connect(ledger, b, gateways.get((i + 1) % 3).webSocketUri());
      devices.add(ca);
      devices.add(tablet);
      devices.add(cb);
      routes.add(new SendLoad.Route(ca, "user", b, List.of(b)));
      routes.add(new SendLoad.Route(cb, "user", a, List.of(a)));
    }
    return routes;
  }

  /** Combined faults: minutes long, so it runs in {@code ./parley faults}, not in CI (the parts run there alone). */
  @Test
  @Tag("long-fault")
  @Timeout(330)
  void shouldDeliverEverythingOnceWhenTheMailboxLeaderIsKilledWhileAGatewayHangs() throws Exception {
    underTraffic("brokerKilledWhileGatewayHangs", "cf", (run, ledger, devices, traffic) -> {
      GatewayProcess hung = gateways.get(1);
      hung.pause();
      long pausedAt = System.nanoTime();
      run.log("gateway %s hung (SIGSTOP) after %d sends", hung.id, ledger.sentCount());
      Thread.sleep(10_000);
      for (int i = 0; i < devices.size(); i++) {
        RecordingClient d = devices.get(i);
        if (d.gateway().equals(hung.webSocketUri())) {
          d.reconnect(f.sockets, gateways.get(0).webSocketUri(), it.stack.tokens().issue(d.user, d.device));
        }
      }
      run.log("its clients moved to %s after 10 s of silence", gateways.get(0).id);
      run.pause(1_000, 10_000);
      int doomed = brokers.busiestLeader(List.of(messagePath.get(0)));
      brokers.kill(doomed);
      long killed = System.nanoTime();
      run.log("killed broker %d, which led the most mailbox partitions, while %s hangs, after %d sends", doomed, hung.id,
          ledger.sentCount());
      Thread.sleep(5_000);
      brokers.restart(doomed);
      run.log("started broker %d again", doomed);
      Thread.sleep(Math.max(0, (pausedAt + 60_000_000_000L - System.nanoTime()) / 1_000_000));
      hung.resume();
      run.log("gateway %s woke after 60 s, %d sends so far", hung.id, ledger.sentCount());
      run.awaitCaughtUp(ledger, ledger.sentCount(), Duration.ofSeconds(180));
      run.log("caught up %d ms after the broker kill", (System.nanoTime() - killed) / 1_000_000);
      brokers.awaitFullyReplicated(messagePath, Duration.ofSeconds(90));
      Thread.sleep(2_000);
    });
  }

  /** What a test does to the cluster while six pairs send, after traffic flows; then the verdict. */
  @FunctionalInterface
  private interface Fault {
    void strike(FaultRun run, CrashLedger ledger, List<RecordingClient> devices, SendLoad traffic) throws Exception;
  }

  /** Six pairs across the three gateways at 40 msg/s; the fault strikes once traffic flows; then the checker. */
  private static void underTraffic(String name, String prefix, Fault fault) throws Exception {
    try (FaultRun run = f.run(name, ClusterFaultIT::tails)) {
      CrashLedger ledger = new CrashLedger();
      List<RecordingClient> devices = new ArrayList<>();
      List<SendLoad.Route> routes = pairs(run, ledger, prefix, devices);
      try (SendLoad traffic = run.start(ledger, routes, 40)) {
        run.awaitFlowing(ledger, 40);
        run.pause(500, 2_000);
        fault.strike(run, ledger, devices, traffic);
      }
      run.verify(ledger);
    }
  }

  /** Both instances, each on its own state folder, started together so that the first does not take every task. */
  private static void startTopologies() throws Exception {
    topologies.clear();
    for (String name : List.of("topology-1", "topology-2")) {
      topologies.add(TopologyProcess.start(name, f.dir, it.stack.config(), f.dir.resolve(name + "-state"), STANDBY));
    }
    for (TopologyProcess t : topologies) {
      t.awaitRunning(START);
    }
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      for (GatewayProcess g : gateways) {
        g.close();
      }
      topologies.forEach(TopologyProcess::close);
      if (f != null) {
        f.close();
      }
    } finally {
      if (brokers != null) {
        brokers.close();
      }
    }
  }

  @Test
  @Timeout(330)
  void shouldDeliverEverythingOnceWhenEveryProcessIsKilledAtOnceAndStartedAgain() throws Exception {
    underTraffic("everythingRestarts", "ra", (run, ledger, devices, traffic) -> {
      traffic.hold(); // nothing can be written to a socket that dies under the writer
      List<Long> pids = new ArrayList<>(List.of(brokers.pid(1), brokers.pid(2), brokers.pid(3)));
      topologies.forEach(t -> pids.add(t.pid()));
      gateways.forEach(g -> pids.add(g.pid()));
      FaultStack.killAll(pids);
      long killed = System.nanoTime();
      run.log("killed every process (3 brokers, 2 topology instances, 3 gateways) at once after %d sends", ledger.sentCount());
      for (int node = 1; node <= 3; node++) {
        brokers.kill(node); // reaps the process
      }
      for (TopologyProcess t : topologies) {
        t.kill();
      }
      for (GatewayProcess g : gateways) {
        g.kill();
      }

      for (int node = 1; node <= 3; node++) {
        brokers.restart(node);
      }
      brokers.awaitBrokers(3, Duration.ofSeconds(180));
      run.log("brokers back in %d ms", (System.nanoTime() - killed) / 1_000_000);
      gateways.replaceAll(g -> null);
      for (int i = 0; i < GATEWAYS.size(); i++) {
        gateways.set(i, GatewayProcess.start(GATEWAYS.get(i), f.dir, it.stack.config(), Duration.ofSeconds(90)));
      }
      startTopologies();
      run.log("topology instances and gateways back in %d ms", (System.nanoTime() - killed) / 1_000_000);
      for (int i = 0; i < devices.size(); i++) {
        RecordingClient d = devices.get(i);
        d.reconnect(f.sockets, gateways.get(i % 3).webSocketUri(), it.stack.tokens().issue(d.user, d.device));
      }
      traffic.release();
      run.log("devices reconnected, sending again");
      run.awaitCaughtUp(ledger, ledger.sentCount(), Duration.ofSeconds(180));
      run.log("caught up %d ms after the kill", (System.nanoTime() - killed) / 1_000_000);
      Thread.sleep(3_000);
    });
  }

  /**
   * Kafka out for longer than the gateways' lease (15 s against the test stacks' 6 s): every broker
   * hangs (SIGSTOP) while gateways, topology instances and clients stay up. Renewals cannot land, so
   * the mailbox may count every lease as ended; once Kafka answers, each gateway sees its renewal
   * land after the gap and syncs every socket it holds, and the mailbox spares devices their gateway
   * spoke for. No device reconnects or syncs on its own, yet everything acknowledged arrives.
   */
  @Test
  @Timeout(330)
  void shouldDeliverEverythingOnceWhenKafkaIsOutLongerThanTheGatewayLease() throws Exception {
    underTraffic("kafkaOutPastTheLease", "ko", (run, ledger, devices, traffic) -> {
      for (int node = 1; node <= 3; node++) {
        brokers.pause(node);
      }
      long paused = System.nanoTime();
      run.log("every broker hung (SIGSTOP) after %d sends", ledger.sentCount());
      Thread.sleep(15_000);
      for (int node = 1; node <= 3; node++) {
        brokers.resume(node);
      }
      run.log("every broker resumed after 15 s, %d sends so far", ledger.sentCount());
      run.awaitCaughtUp(ledger, ledger.sentCount(), Duration.ofSeconds(180));
      run.log("caught up %d ms after the outage began", (System.nanoTime() - paused) / 1_000_000);
      brokers.awaitFullyReplicated(messagePath, Duration.ofSeconds(90));
      Thread.sleep(2_000);
    });
  }

  private static String tails() {
    StringBuilder out = new StringBuilder();
    for (int node = 1; node <= 3; node++) {
      String tail = brokers.tail(node);
      out.append("--- broker ").append(node).append('\n').append(tail, Math.max(0, tail.length() - 800), tail.length()).append('\n');
    }
    topologies.forEach(t -> out.append("--- ").append(t.name).append('\n').append(t.tail()).append('\n'));
    gateways.stream().filter(g -> g != null).forEach(g -> out.append("--- ").append(g.id).append('\n').append(g.tail()).append('\n'));
    return out.toString();
  }
}
