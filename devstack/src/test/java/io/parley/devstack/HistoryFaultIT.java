package io.parley.devstack;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Cassandra hangs for 30 s (SIGSTOP) under steady traffic: delivery goes on without it, and once it
 * is back the history holds every acknowledged message once, in each sender's order — the sink
 * retried, skipped nothing and wrote nothing twice.
 */
class HistoryFaultIT {
  private static FaultStack f;
  private static StackFixture it;

  @BeforeAll
  static void start() throws Exception {
    f = FaultStack.start("history-faults", FaultStack.seed(), dir -> StackFixture.withHistory(2, Map.of("gateway.sends.per.second", "1000",
        "cassandra.retry.backoff.max.ms", "2000")));
    it = f.it;
  }

  @AfterAll
  static void stop() throws Exception {
    if (f != null) {
      f.close();
    }
  }

  @Test
  @Timeout(240)
  void shouldKeepEveryAcknowledgedMessageInTheHistoryOnceInOrderWhenCassandraHangsFor30Seconds() throws Exception {
    long cassandra = SharedCassandra.pid();
    try (FaultRun run = f.run("cassandraHangs", () -> "(Cassandra " + cassandra + ")")) {
      CrashLedger ledger = new CrashLedger();
      List<SendLoad.Route> routes = run.pairs(ledger, "ha", 3);
      try (SendLoad traffic = run.start(ledger, routes, 30)) {
        run.awaitFlowing(ledger, 40);
        run.pause(500, 2_000);
        FaultStack.signal(cassandra, "STOP");
        run.log("Cassandra (pid %d) hung after %d sends", cassandra, ledger.sentCount());
        try {
          Thread.sleep(20_000);
          run.log("delivered so far without Cassandra: %d", ledger.delivered());
          Thread.sleep(10_000);
        } finally {
          FaultStack.signal(cassandra, "CONT");
        }
        run.log("Cassandra resumed after 30 s, %d sends so far", ledger.sentCount());
        run.awaitCaughtUp(ledger, ledger.sentCount());
        Thread.sleep(2_000);
      }
      run.verify(ledger);

      long t0 = System.nanoTime();
      int messages = HistoryCheck.assertComplete(it, ledger, Duration.ofSeconds(90));
      run.log("history complete: %d messages, %d ms after delivery caught up", messages, (System.nanoTime() - t0) / 1_000_000);
    }
  }
}
