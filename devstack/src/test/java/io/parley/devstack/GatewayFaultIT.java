package io.parley.devstack;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
  private static FaultStack f;
  private static StackFixture it;
  private static GatewayProcess hung;

  @BeforeAll
  static void start() throws Exception {
    f = FaultStack.start("gateway-faults", FaultStack.seed(), dir -> new StackFixture(1, Map.of("gateway.sends.per.second", "1000")));
    it = f.it;
    hung = GatewayProcess.start("gw-h", f.dir, it.stack.config(), Duration.ofSeconds(60));
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (hung != null) {
        hung.close();
      }
    } finally {
      if (f != null) {
        f.close();
      }
    }
  }

  @Test
  @Timeout(240)
  void shouldDeliverEverythingOnceWhenAGatewayHangsFor60SecondsAndItsClientsMoveToAnother() throws Exception {
    try (FaultRun run = f.run("gatewayHangs", () -> hung.tail())) {
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
          c.reconnect(f.sockets, it.stack.gateway(0).webSocketUri(), it.stack.tokens().issue(c.user, c.device));
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
