package io.parley.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.kafka.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The directory's database hangs for 30 s (MariaDB SIGSTOPped: connections open, nothing answers)
 * under steady 1:1 and group traffic. Sends the gateway can check from what it already knows go on;
 * the rest are refused or wait, never taken and lost; afterwards everything acknowledged arrived once.
 */
class DirectoryFaultIT {
  private static FaultStack f;
  private static StackFixture it;

  @BeforeAll
  static void start() throws Exception {
    f = FaultStack.start("directory-faults", FaultStack.seed(), dir -> new StackFixture(2, Map.of("gateway.sends.per.second", "1000")));
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
  void shouldLoseNothingWhenTheDirectoryDatabaseHangsFor30Seconds() throws Exception {
    ProcessHandle mariadb = SharedMariaDb.process();
    try (FaultRun run = f.run("directoryHangs", () -> "(MariaDB " + mariadb.pid() + ")")) {
      CrashLedger ledger = new CrashLedger();
      List<SendLoad.Route> routes = new java.util.ArrayList<>(run.pairs(ledger, "da", 4));
      List<String> members = List.of("dg-0", "dg-1", "dg-2");
      it.users(members.toArray(String[]::new));
      Http http = new Http(it.stack.gateway(0).uri());
      String group = http.post("/v1/groups", Map.of("name", "hang", "members", members.subList(1, 3)),
          it.stack.tokens().issue(members.get(0), "phone")).body().get("id").asText();
      Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
          .until(() -> f.topics.hasKey(Topics.from(it.stack.config()).groupMembers().name(), group));
      for (int i = 0; i < members.size(); i++) {
        RecordingClient c = run.connect(ledger, members.get(i), i % 2);
        routes.add(new SendLoad.Route(c, "group", group, members.stream().filter(m -> !m.equals(c.user)).toList()));
      }
      try (SendLoad traffic = run.start(ledger, routes, 30)) {
        run.awaitFlowing(ledger, 40);
        run.pause(500, 2_000);
        FaultStack.signal(mariadb.pid(), "STOP");
        run.log("MariaDB (pid %d) hung after %d sends", mariadb.pid(), ledger.sentCount());
        try {
          Thread.sleep(30_000);
        } finally {
          FaultStack.signal(mariadb.pid(), "CONT");
        }
        run.log("MariaDB resumed after 30 s, %d sends so far", ledger.sentCount());
        run.awaitCaughtUp(ledger, ledger.sentCount());
        Thread.sleep(3_000);
      }
      CrashLedger.Report report = run.verify(ledger);
      assertThat(report.acknowledged).isPositive();
    }
  }

}
