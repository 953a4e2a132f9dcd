package io.parley.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The analytics job beside the real stack, as {@code ./parley up} runs it: messages sent through a
 * gateway and the topology are tagged by the job (its own JVM), the tags and trends are sunk to
 * Cassandra, and the history API shows each message's tag and the trend windows.
 */
@Timeout(900)
class AnalyticsIT {
  /** A first run builds the analytics module and trains the model: minutes, once per clean build. */
  private static final Duration FIRST_TAG = Duration.ofMinutes(12);
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static StackFixture it;

  @BeforeAll
  static void start() throws Exception {
    Path model = Path.of("").toAbsolutePath().getParent().resolve("analytics-spark/target/devstack-it-model");
    it = StackFixture.withHistory(1, Map.of(AnalyticsJobService.ENABLED, "true", "analytics.model", model.toString(),
        "analytics.trigger.seconds", "1"));
    it.users("alice", "bob");
  }

  @AfterAll
  static void stop() throws Exception {
    if (it != null) {
      it.close();
    }
  }

  private static String jobLog() throws Exception {
    Path log = it.stack.service(AnalyticsJobService.class).logFile();
    String text = Files.exists(log) ? Files.readString(log) : "";
    return text.length() > 4000 ? text.substring(text.length() - 4000) : text;
  }

  private static Http http() {
    return new Http(it.stack.gateway(0).uri());
  }

  private static String token(String user) {
    return it.stack.tokens().issue(user, "web");
  }

  private static List<JsonNode> history(String user) throws Exception {
    Http.Reply reply = http().get("/v1/conversations/dm%3Aalice%3Abob/messages", token(user));
    assertThat(reply.status()).isEqualTo(200);
    List<JsonNode> out = new ArrayList<>();
    reply.body().get("messages").forEach(out::add);
    return out;
  }

  @Test
  void shouldShowTheTagOfAMessageSentThroughTheGatewayInHistoryAndTrends() throws Exception {
    WsClient alice = it.connect(0, "alice", "phone");
    String goal = alice.send("bob", "what a goal in the last minute, the striker was unbelievable tonight");
    String pasta = alice.send("bob", "i'm making pasta with garlic and basil for dinner, want some?");
    for (String id : List.of(goal, pasta)) {
      assertThat(alice.next(f -> "sent".equals(f.path("type").asText()) && id.equals(f.path("id").asText()), WAIT)).isNotNull();
    }

    Awaitility.await("both messages tagged in history; job log:\n" + jobLog()).atMost(FIRST_TAG).pollInterval(Duration.ofSeconds(2))
        .untilAsserted(() -> assertThat(history("bob")).filteredOn(m -> m.has("tag")).hasSize(2));
    List<JsonNode> messages = history("bob");
    assertThat(messages).filteredOn(m -> m.get("id").asText().equals(goal)).singleElement().satisfies(m -> {
      assertThat(m.get("tag").asText()).isEqualTo("sports");
      assertThat(m.get("tagScore").asDouble()).isBetween(0.3, 1.0);
    });
    assertThat(messages).filteredOn(m -> m.get("id").asText().equals(pasta)).singleElement()
        .satisfies(m -> assertThat(m.get("tag").asText()).isEqualTo("food"));

    Awaitility.await("sports and food in the current trend windows").atMost(WAIT).pollInterval(Duration.ofSeconds(1))
        .untilAsserted(() -> {
          Http.Reply trends = http().get("/v1/trends", token("carol"));
          assertThat(trends.status()).isEqualTo(200);
          JsonNode windows = trends.body().get("windows");
          assertThat(windows).isNotEmpty();
          long now = System.currentTimeMillis();
          JsonNode open = windows.get(0);
          assertThat(open.get("start").asLong()).isLessThanOrEqualTo(now);
          List<String> topics = new ArrayList<>();
          open.get("topics").forEach(t -> topics.add(t.get("tag").asText() + "=" + t.get("count").asLong()));
          assertThat(topics).contains("sports=1", "food=1");
        });
    assertThat(http().get("/v1/trends", null).status()).isEqualTo(401);
  }
}
