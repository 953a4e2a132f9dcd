package io.parley.history;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.NoNodeAvailableException;
import com.fasterxml.jackson.databind.JsonNode;
import io.parley.auth.TokenService;
import io.parley.http.HttpJson;
import io.parley.sinks.history.HistoryPage;
import io.parley.sinks.tags.MessageTag;
import io.parley.sinks.tags.TagReader;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The analytics job's tags in history pages, and {@code GET /v1/trends}. */
class TagsApiTest {
  private static final TokenService TOKENS = TokenService.fromSecret("0123456789abcdef0123456789abcdef", Duration.ofHours(1));
  private static final String DM = "dm:alice:bob";
  private final HttpClient http = HttpClient.newHttpClient();
  private final HistoryApiTest.FakeStore store = new HistoryApiTest.FakeStore();
  private Server server;

  @BeforeEach
  void start() throws Exception {
    server = HistoryApiTest.serve(HistoryApi.routes(new HistorySettings(HistoryMode.PERMANENT, 50, 200,
            PresenceVisibility.CONVERSATIONS), ConversationAccess.participants(ConversationAccess.GroupMembership.UNKNOWN),
        user -> true, SharedGroups.NONE, store, TOKENS, new PrometheusRegistry()));
  }

  @AfterEach
  void stop() throws Exception {
    server.stop();
  }

  private record Reply(int status, JsonNode body) {}

  private Reply get(String path, String token) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
        + ((ServerConnector) server.getConnectors()[0]).getLocalPort() + path));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    return new Reply(response.statusCode(), HttpJson.MAPPER.readTree(response.body()));
  }

  private static String alice() {
    return TOKENS.issue("alice", "phone");
  }

  @Test
  void shouldGiveEachTaggedMessageItsTagAndLeaveTheOthersWithout() throws Exception {
    store.page = new HistoryPage(List.of(HistoryApiTest.row("m3", "bob", 3_000), HistoryApiTest.row("m2", "alice", 2_000),
        HistoryApiTest.row("m1", "bob", 1_000)), Optional.empty());
    store.tags.put(MessageTag.identity("bob", "m3"), new MessageTag(DM, 3_000, "bob", "m3", "sports", 0.93, "v1"));
    store.tags.put(MessageTag.identity("alice", "m2"), new MessageTag(DM, 2_000, "alice", "m2", "food", 0.71, "v1"));
    // the same sender and id in another conversation is another message
    store.tags.put(MessageTag.identity("bob", "m1") + "x", new MessageTag("dm:bob:carol", 1_000, "bob", "m1", "travel", 0.5, "v1"));

    Reply reply = get(HistoryApiTest.messages(DM, ""), alice());

    assertThat(reply.status()).isEqualTo(200);
    JsonNode messages = reply.body().get("messages");
    assertThat(messages).extracting(m -> m.get("id").asText()).containsExactly("m1", "m2", "m3");
    assertThat(messages.get(0).has("tag")).isFalse();
    assertThat(messages.get(0).has("tagScore")).isFalse();
    assertThat(messages.get(1).get("tag").asText()).isEqualTo("food");
    assertThat(messages.get(1).get("tagScore").asDouble()).isEqualTo(0.71);
    assertThat(messages.get(2).get("tag").asText()).isEqualTo("sports");
    assertThat(store.tagRanges).singleElement().satisfies(r -> assertThat(r).containsExactly(1_000, 3_000));
  }

  @Test
  void shouldNotAskForTagsOfAnEmptyPage() throws Exception {
    assertThat(get(HistoryApiTest.messages(DM, ""), alice()).status()).isEqualTo(200);
    assertThat(store.tagRanges).isEmpty();
  }

  @Test
  void shouldListTheNewestWindowsWithTheirTopTopics() throws Exception {
    long now = System.currentTimeMillis();
    Map<String, Long> counts = new LinkedHashMap<>();
    for (String tag : List.of("sports", "food", "travel", "politics", "science", "health", "other")) {
      counts.put(tag, (long) (10 - counts.size()));
    }
    store.windows = List.of(new TagReader.Window(now - 60_000, now + 540_000, counts),
        new TagReader.Window(now - 900_000, now - 300_000, Map.of("other", 1L)));

    Reply reply = get("/v1/trends?top=3", alice());

    assertThat(reply.status()).isEqualTo(200);
    JsonNode windows = reply.body().get("windows");
    assertThat(windows).hasSize(2);
    assertThat(windows.get(0).get("start").asLong()).isEqualTo(now - 60_000);
    assertThat(windows.get(0).get("complete").asBoolean()).isFalse();
    assertThat(windows.get(0).get("topics")).extracting(t -> t.get("tag").asText() + "=" + t.get("count").asLong())
        .containsExactly("sports=10", "food=9", "travel=8");
    assertThat(windows.get(1).get("complete").asBoolean()).isTrue();
    assertThat(store.windowsAsked).containsExactly(TrendsHandler.DEFAULT_WINDOWS);
  }

  @Test
  void shouldAnswerAnEmptyListBeforeTheJobHasCountedAnything() throws Exception {
    Reply reply = get("/v1/trends?windows=60", alice());
    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.body().get("windows")).isEmpty();
    assertThat(store.windowsAsked).containsExactly(60);
  }

  @Test
  void shouldRefuseTrendsWithoutAValidToken() throws Exception {
    assertThat(get("/v1/trends", null).status()).isEqualTo(401);
    assertThat(get("/v1/trends", "not-a-token").status()).isEqualTo(401);
    String foreign = TokenService.fromSecret("ffffffffffffffffffffffffffffffff", Duration.ofHours(1)).issue("alice", "phone");
    assertThat(get("/v1/trends", foreign).body().get("code").asText()).isEqualTo("unauthorized");
    assertThat(store.windowsAsked).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"?windows=0", "?windows=61", "?windows=ten", "?top=0", "?top=11", "?top=1&top=2", "?windows=99999999999"})
  void shouldRefuseBadParameters(String query) throws Exception {
    Reply reply = get("/v1/trends" + query, alice());
    assertThat(reply.status()).isEqualTo(400);
    assertThat(reply.body().get("code").asText()).isEqualTo("bad_request");
  }

  @Test
  void shouldAnswer503WhenCassandraIsAway() throws Exception {
    store.windows = new java.util.AbstractList<>() {
      @Override
      public TagReader.Window get(int index) {
        throw new NoNodeAvailableException();
      }

      @Override
      public int size() {
        throw new NoNodeAvailableException();
      }
    };
    assertThat(get("/v1/trends", alice()).status()).isEqualTo(503);
  }
}
