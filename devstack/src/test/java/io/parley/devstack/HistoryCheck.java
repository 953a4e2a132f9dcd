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

/**
 * The history half of a fault's verdict: each 1:1 conversation of a ledger read back through the
 * history API lists every acknowledged message exactly once, each sender's in the order sent.
 */
final class HistoryCheck {
  private HistoryCheck() {}

  /** Waits up to {@code timeout} per conversation for the history to hold every acknowledged message; returns how many. */
  static int assertComplete(StackFixture it, CrashLedger ledger, Duration timeout) throws Exception {
    Map<String, List<CrashLedger.Sent>> byConversation = new LinkedHashMap<>();
    for (CrashLedger.Sent s : ledger.acknowledgedSends()) {
      byConversation.computeIfAbsent(Conversations.direct(s.from(), s.to()), c -> new ArrayList<>()).add(s);
    }
    Http http = new Http(it.stack.gateway(0).uri());
    for (Map.Entry<String, List<CrashLedger.Sent>> c : byConversation.entrySet()) {
      String reader = c.getValue().get(0).from();
      String token = it.stack.tokens().issue(reader, "history");
      Set<String> expected = c.getValue().stream().map(CrashLedger.Sent::id).collect(Collectors.toSet());
      List<String> listed = new ArrayList<>();
      Awaitility.await().atMost(timeout).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
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
    return byConversation.values().stream().mapToInt(List::size).sum();
  }

  /** Every message id of a conversation, oldest first, paging back from the newest. */
  static List<String> history(Http http, String conversation, String token) throws Exception {
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
