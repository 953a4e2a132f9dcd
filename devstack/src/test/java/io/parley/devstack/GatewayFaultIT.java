package io.parley.devstack;

import io.parley.kafka.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A gateway that hangs for 60 s (SIGSTOP) with its clients' sockets open — the half-open window in
 * which other servers lose messages. Its clients notice the silence after 10 s and connect to the
 * other gateway, as a client watching for its server's answers does; messages to them meanwhile were
 * routed to the hung gateway. When it wakes, it must not make anything go missing or show twice.
 */
class GatewayFaultIT {
  private static final long SEED = Long.getLong("fault.seed", System.nanoTime());
  private static Path dir;
  private static StackFixture it;
  private static TopicEvidence topics;
  private static WebSocketClient sockets;
  private static GatewayProcess hung;

  @BeforeAll
  static void start() throws Exception {
    dir = Files.createTempDirectory("parley-gateway-faults");
    it = new StackFixture(1, Map.of("gateway.sends.per.second", "1000"));
    hung = GatewayProcess.start("gw-h", dir, it.stack.config(), Duration.ofSeconds(60));
    topics = new TopicEvidence(it.stack.bootstrapServers(), Topics.from(it.stack.config()));
    sockets = new WebSocketClient();
    sockets.setIdleTimeout(Duration.ofMinutes(5));
    sockets.start();
    System.out.printf("GatewayFaultIT: seed %d, the forked gateway's log in %s%n", SEED, dir);
  }

  @AfterAll
  static void stop() throws Exception {
    if (sockets != null) {
      sockets.stop();
    }
    if (topics != null) {
      topics.close();
    }
    if (hung != null) {
      hung.close();
    }
    if (it != null) {
      it.close();
    }
  }

  @Test
  @Timeout(240)
  void shouldDeliverEverythingOnceWhenAGatewayHangsFor60SecondsAndItsClientsMoveToAnother() throws Exception {
    try (FaultRun run = new FaultRun(it, sockets, topics, dir, "gatewayHangs", SEED, () -> hung.tail())) {
      run.gateways(List.of("gw-1", hung.id));
      CrashLedger ledger = new CrashLedger();
      List<SendLoad.Route> routes = new ArrayList<>();
      List<RecordingClient> onTheHungGateway = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        String a = "ga-" + (2 * i);
        String b = "ga-" + (2 * i + 1);
        it.users(a, b);
        RecordingClient ca = run.connect(ledger, a, 0);
        RecordingClient cb = run.connect(ledger, b, hung.webSocketUri());
        onTheHungGateway.add(cb);
        routes.add(new SendLoad.Route(ca, "user", b, List.of(b)));
        routes.add(new SendLoad.Route(cb, "user", a, List.of(a)));
      }
      try (SendLoad traffic = run.start(ledger, routes, 30)) {
        run.awaitFlowing(ledger, 20);
        run.pause(500, 2_000);
        hung.pause();
        run.log("gateway %s hung (SIGSTOP) after %d sends", hung.id, ledger.sentCount());
        Thread.sleep(10_000);
        for (RecordingClient c : onTheHungGateway) {
          c.reconnect(sockets, it.stack.gateway(0).webSocketUri(), it.stack.tokens().issue(c.user, "phone"));
        }
        run.log("its %d clients moved to gw-1 after 10 s of silence", onTheHungGateway.size());
        Thread.sleep(50_000);
        hung.resume();
        run.log("gateway %s woke after 60 s, %d sends so far", hung.id, ledger.sentCount());
        run.awaitCaughtUp(ledger, ledger.sentCount());
        Thread.sleep(3_000);
      }
      run.verify(ledger);
    }
  }
}
