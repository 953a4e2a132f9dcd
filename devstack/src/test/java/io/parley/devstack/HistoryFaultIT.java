package io.parley.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.model.Conversations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
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

      // the history of each conversation: every acknowledged message once, each sender's in order
      Map<String, List<CrashLedger.Sent>> byConversation = new LinkedHashMap<>();
      for (CrashLedger.Sent s : ledger.acknowledgedSends()) {
        byConversation.computeIfAbsent(Conversations.direct(s.from(), s.to()), c -> new ArrayList<>()).add(s);
      }
      Http http = new Http(it.stack.gateway(0).uri());
      long t0 = System.nanoTime();
      for (Map.Entry<String, List<CrashLedger.Sent>> c : byConversation.entrySet()) {
        String reader = c.getValue().get(0).from();
        String token = it.stack.tokens().issue(reader, "history");
        Set<String> expected = c.getValue().stream().map(CrashLedger.Sent::id).collect(Collectors.toSet());
        List<String> listed = new ArrayList<>();
        Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
          listed.clear();
          listed.addAll(history(http, c.getKey(), token));
          assertThat(listed).containsAll(expected);
        });
        assertThat(listed).as(c.getKey() + ": each message once").doesNotHaveDuplicates();
        for (String sender : c.getValue().stream().map(CrashLedger.Sent::from).distinct().toList()) {
          List<String> sent = c.getValue().stream().filter(s -> s.from().equals(sender)).map(CrashLedger.Sent::id).toList();
          assertThat(listed.stream().filter(sent::contains).toList()).as(c.getKey() + ": " + sender + "'s order").isEqualTo(sent);
        }
      }
      run.log("history complete for %d conversations, %d messages, %d ms after delivery caught up",
          byConversation.size(), byConversation.values().stream().mapToInt(List::size).sum(), (System.nanoTime() - t0) / 1_000_000);
    }
  }

  /** Every message id of a conversation, oldest first, paging back from the newest. */
  private static List<String> history(Http http, String conversation, String token) throws Exception {
    List<String> ids = new ArrayList<>();
    String next = null;
    do {
      Http.Reply page = http.get("/v1/conversations/" + conversation + "/messages?limit=200"
          + (next == null ? "" : "&before=" + next), token);
      assertThat(page.status()).isEqualTo(200);
      List<String> these = new ArrayList<>();
      for (JsonNode m : page.body().get("messages")) {
        these.add(m.get("id").asText());
      }
      ids.addAll(0, these);
      next = page.body().get("next").isNull() ? null : page.body().get("next").asText();
    } while (next != null);
    return ids;
  }

}
