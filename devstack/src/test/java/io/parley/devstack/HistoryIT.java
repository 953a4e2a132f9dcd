package io.parley.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.history.HistoryServer;
import io.parley.http.HttpJson;
import io.parley.model.Conversations;
import io.parley.net.FreePorts;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * History and presence end to end: messages sent over real WebSockets go through the topology, the
 * messages topic, the Connect sink and Cassandra, and come back from the history API in order.
 */
@Timeout(180)
class HistoryIT {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final AtomicInteger USERS = new AtomicInteger();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static StackFixture it;

  @BeforeAll
  static void start() throws Exception {
    it = StackFixture.withHistory(1, Map.of());
  }

  @AfterAll
  static void stop() throws Exception {
    if (it != null) {
      it.close();
    }
  }

  static String user(String name) {
    return name + USERS.incrementAndGet();
  }

  record Reply(int status, JsonNode body) {}

  static Reply get(String user, String path) throws Exception {
    return get(it.stack.gateway(0).uri(), user, path);
  }

  /** As {@code user}, or without a token when null. */
  static Reply get(URI server, String user, String path) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(server.resolve(path));
    if (user != null) {
      request.header("Authorization", "Bearer " + it.stack.tokens().issue(user, "web"));
    }
    HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    return new Reply(response.statusCode(), response.body().startsWith("{") ? HttpJson.MAPPER.readTree(response.body()) : null);
  }

  static String history(String conversation, String query) {
    return "/v1/conversations/" + URLEncoder.encode(conversation, StandardCharsets.UTF_8) + "/messages" + query;
  }

  static List<String> bodies(JsonNode page) {
    List<String> out = new ArrayList<>();
    page.get("messages").forEach(m -> out.add(m.get("body").asText()));
    return out;
  }

  @Test
  void shouldShowMessagesSentOverWebSocketsInTheHistoryInOrder() throws Exception {
    String alice = user("alice");
    String bob = user("bob");
    it.users(alice, bob);
    String conversation = Conversations.direct(alice, bob);
    WsClient a = it.connect(0, alice, "phone");
    WsClient b = it.connect(0, bob, "phone");
    List<String> expected = new ArrayList<>();
    for (int i = 1; i <= 30; i++) {
      boolean fromAlice = i % 3 != 0;
      (fromAlice ? a : b).send(fromAlice ? bob : alice, "message " + i);
      (fromAlice ? a : b).next("sent", WAIT); // one at a time: the order sent is the order stored
      expected.add("message " + i);
    }

    await().atMost(WAIT).pollInterval(Duration.ofMillis(250)).untilAsserted(() ->
        assertThat(bodies(get(alice, history(conversation, "?limit=200")).body())).containsExactlyElementsOf(expected));

    // pages of 12 backwards: newest page first, each oldest first, together the whole conversation
    List<String> paged = new ArrayList<>();
    String next = null;
    int pages = 0;
    do {
      Reply page = get(bob, history(conversation, "?limit=12" + (next == null ? "" : "&before=" + next)));
      assertThat(page.status()).isEqualTo(200);
      paged.addAll(0, bodies(page.body()));
      next = page.body().get("next").isNull() ? null : page.body().get("next").asText();
      pages++;
    } while (next != null && pages < 10);
    assertThat(paged).containsExactlyElementsOf(expected);

    Reply onlyBob = get(alice, history(conversation, "?from=" + bob));
    assertThat(bodies(onlyBob.body())).containsExactly("message 3", "message 6", "message 9", "message 12",
        "message 15", "message 18", "message 21", "message 24", "message 27", "message 30");

    Reply chats = get(alice, "/v1/users/me/conversations");
    assertThat(chats.status()).isEqualTo(200);
    assertThat(chats.body().get("conversations").get(0).get("conversation").asText()).isEqualTo(conversation);
    assertThat(chats.body().get("conversations").get(0).get("lastMessage").get("preview").asText()).isEqualTo("message 30");
  }

  @Test
  void shouldListABurstInTheOrderItWasSentEvenWithinOneMillisecond() throws Exception {
    String alice = user("alice");
    String bob = user("bob");
    it.users(alice, bob);
    String conversation = Conversations.direct(alice, bob);
    WsClient a = it.connect(0, alice, "phone");
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      a.send(bob, "burst " + i); // without waiting: several share a millisecond at the gateway
      expected.add("burst " + i);
    }
    for (int i = 0; i < 40; i++) {
      a.next("sent", WAIT);
    }
    await().atMost(WAIT).pollInterval(Duration.ofMillis(250)).untilAsserted(() ->
        assertThat(bodies(get(bob, history(conversation, "?limit=200")).body())).containsExactlyElementsOf(expected));
    List<String> paged = new ArrayList<>();
    String next = null;
    do {
      Reply page = get(alice, history(conversation, "?limit=3" + (next == null ? "" : "&before=" + next)));
      paged.addAll(0, bodies(page.body()));
      next = page.body().get("next").isNull() ? null : page.body().get("next").asText();
    } while (next != null && paged.size() < 100);
    assertThat(paged).as("pages of three").containsExactlyElementsOf(expected);
  }

  @Test
  void shouldServeTheSameApiFromItsOwnProcess() throws Exception {
    String ivan = user("ivan");
    String judy = user("judy");
    String oscar = user("oscar");
    it.users(ivan, judy, oscar);
    var directory = it.stack.service(DirectoryLocalService.class).directory().directory();
    String group = directory.createGroup(ivan, "Standalone", List.of(judy)).id();
    WsClient i = it.connect(0, ivan, "phone");
    it.awaitGroup(group, List.of(ivan, judy));
    i.send(judy, "direct, read elsewhere");
    i.next("sent", WAIT);
    i.sendRaw(WsClient.JSON.createObjectNode().put("type", "send").put("id", UUID.randomUUID().toString())
        .put("body", "to the group, read elsewhere").set("to", WsClient.JSON.createObjectNode().put("group", group)).toString());
    i.next("sent", WAIT);

    // HistoryMain's server, on the stack's Cassandra and directory database, as a deployment runs it
    try (HistoryServer server = HistoryServer.start(it.stack.config().with("history.host", "127.0.0.1").with("history.port", "0"),
        it.stack.tokens(), new PrometheusRegistry())) {
      URI api = server.uri();
      await().atMost(WAIT).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
        assertThat(bodies(get(api, judy, history(Conversations.direct(ivan, judy), "")).body()))
            .containsExactly("direct, read elsewhere");
        assertThat(bodies(get(api, judy, history("group:" + group, "")).body())).containsExactly("to the group, read elsewhere");
      });
      assertThat(get(api, oscar, history("group:" + group, "")).status()).isEqualTo(403);
      assertThat(get(api, oscar, history(Conversations.direct(ivan, judy), "")).status()).isEqualTo(403);
      assertThat(get(api, null, history(Conversations.direct(ivan, judy), "")).status()).isEqualTo(401);
      assertThat(get(api, judy, "/v1/users/me/conversations").body().get("conversations")).hasSize(2);
      assertThat(get(api, judy, "/v1/users/" + ivan + "/presence").body().get("online").asBoolean()).isTrue();
      assertThat(get(api, judy, "/v1/users/" + user("nobody") + "/presence").status()).isEqualTo(404);
      Reply unknown = get(api, judy, "/v1/nothing-here");
      assertThat(unknown.status()).isEqualTo(404);
      assertThat(unknown.body().get("code").asText()).isEqualTo("not_found");
      assertThat(get(api, null, "/healthz").status()).isEqualTo(200);
      HttpResponse<String> metrics = HTTP.send(HttpRequest.newBuilder(api.resolve("/metrics")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(metrics.body()).contains("parley_history_requests_total");
    }
    // a directory database down at start: the process starts; group history and another user's presence
    // are 503 (each after the pool's 10 s connection timeout), direct history goes on
    int closedPort = FreePorts.loopback();
    var noDirectory = it.stack.config().with("history.host", "127.0.0.1").with("history.port", "0")
        .with("directory.jdbc.url", "jdbc:mysql://127.0.0.1:" + closedPort + "/parley");
    try (HistoryServer server = HistoryServer.start(noDirectory, it.stack.tokens(), new PrometheusRegistry())) {
      assertThat(get(server.uri(), judy, history(Conversations.direct(ivan, judy), "")).status()).isEqualTo(200);
      Reply group503 = get(server.uri(), judy, history("group:" + group, ""));
      assertThat(group503.status()).isEqualTo(503);
      assertThat(group503.body().get("code").asText()).isEqualTo("unavailable");
      Reply presence503 = get(server.uri(), judy, "/v1/users/" + ivan + "/presence");
      assertThat(presence503.status()).isEqualTo(503);
      assertThat(presence503.body().get("code").asText()).isEqualTo("unavailable");
    }
    // the process only checks the schema: on a keyspace nobody set up it refuses to start, creating nothing
    var unset = it.stack.config().with("history.port", "0").with("cassandra.keyspace", "parley_unset");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> HistoryServer.start(unset, it.stack.tokens(), new PrometheusRegistry()))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("keyspace parley_unset has no Parley schema yet");
  }

  @Test
  void shouldRefuseOutsidersAndNonsense() throws Exception {
    String alice = user("alice");
    String bob = user("bob");
    String conversation = Conversations.direct(alice, bob);
    Reply outsider = get(user("mallory"), history(conversation, ""));
    assertThat(outsider.status()).isEqualTo(403);
    assertThat(outsider.body().get("code").asText()).isEqualTo("forbidden");
    assertThat(get(alice, history(conversation, "?limit=100000")).status()).isEqualTo(400);
    assertThat(get(alice, history(conversation, "?before=c1.AAAA")).status()).isEqualTo(400);
    assertThat(get(alice, history("group:gteam1", "")).status()).isEqualTo(403);
  }

  @Test
  void shouldShowGroupHistoryToMembersOnly() throws Exception {
    String erin = user("erin");
    String frank = user("frank");
    String grace = user("grace");
    String mallory = user("mallory");
    it.users(erin, frank, grace, mallory);
    var directory = it.stack.service(DirectoryLocalService.class).directory().directory();
    String group = directory.createGroup(erin, "Book club", List.of(frank, grace)).id();
    String conversation = "group:" + group;
    WsClient e = it.connect(0, erin, "phone");
    WsClient f = it.connect(0, frank, "phone");
    it.awaitGroup(group, List.of(erin, frank, grace));
    e.sendRaw(WsClient.JSON.createObjectNode().put("type", "send").put("id", UUID.randomUUID().toString())
        .put("body", "chapter one").set("to", WsClient.JSON.createObjectNode().put("group", group)).toString());
    e.next("sent", WAIT);
    assertThat(f.next("message", WAIT).get("body").asText()).isEqualTo("chapter one");

    await().atMost(WAIT).pollInterval(Duration.ofMillis(250)).untilAsserted(() ->
        assertThat(bodies(get(frank, history(conversation, "")).body())).containsExactly("chapter one"));
    assertThat(bodies(get(grace, history(conversation, "")).body())).containsExactly("chapter one");
    // every member's chat list shows the group with its latest message
    await().atMost(WAIT).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
      JsonNode chats = get(grace, "/v1/users/me/conversations").body().get("conversations");
      assertThat(chats).hasSize(1);
      assertThat(chats.get(0).get("conversation").asText()).isEqualTo(conversation);
      assertThat(chats.get(0).get("lastMessage").get("preview").asText()).isEqualTo("chapter one");
    });
    assertThat(get(mallory, "/v1/users/me/conversations").body().get("conversations")).isEmpty();
    Reply outsider = get(mallory, history(conversation, ""));
    assertThat(outsider.status()).isEqualTo(403);
    assertThat(outsider.body().get("code").asText()).isEqualTo("forbidden");

    // a member added later reads from their join on, as their devices would have received it
    directory.addMember(erin, group, mallory);
    it.awaitGroup(group, List.of(erin, frank, grace, mallory));
    await().atMost(WAIT).pollInterval(Duration.ofMillis(250)).untilAsserted(() ->
        assertThat(get(mallory, history(conversation, "")).status()).isEqualTo(200));
    assertThat(bodies(get(mallory, history(conversation, "")).body())).isEmpty();
    e.sendRaw(WsClient.JSON.createObjectNode().put("type", "send").put("id", UUID.randomUUID().toString())
        .put("body", "chapter two").set("to", WsClient.JSON.createObjectNode().put("group", group)).toString());
    e.next("sent", WAIT);
    await().atMost(WAIT).pollInterval(Duration.ofMillis(250)).untilAsserted(() ->
        assertThat(bodies(get(frank, history(conversation, "")).body())).containsExactly("chapter one", "chapter two"));
    assertThat(bodies(get(mallory, history(conversation, "")).body())).containsExactly("chapter two");

    // removed: no more history, as for anyone outside the group (membership answers live a few seconds)
    directory.removeMember(erin, group, grace);
    await().atMost(WAIT).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
        assertThat(get(grace, history(conversation, "")).status()).isEqualTo(403));
    assertThat(get(frank, history(conversation, "")).status()).isEqualTo(200);
  }

  @Test
  void shouldTellPresenceAsDevicesComeAndGoToThoseWhoShareAConversation() throws Exception {
    String carol = user("carol");
    String dave = user("dave");
    String stranger = user("stranger");
    it.users(carol, dave, stranger);
    Reply hidden = get(dave, "/v1/users/" + carol + "/presence");
    assertThat(hidden.status()).isEqualTo(200);
    assertThat(hidden.body().get("hidden").asBoolean()).as("no conversation yet").isTrue();
    // an id the directory does not know is no one, not someone hidden
    Reply nobody = get(dave, "/v1/users/" + user("nobody") + "/presence");
    assertThat(nobody.status()).isEqualTo(404);
    assertThat(nobody.body().get("code").asText()).isEqualTo("not_found");

    WsClient d = it.connect(0, dave, "phone");
    d.send(carol, "hi carol");
    d.next("sent", WAIT);
    await().atMost(WAIT).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
      Reply neverSeen = get(dave, "/v1/users/" + carol + "/presence");
      assertThat(neverSeen.body().get("hidden").asBoolean()).isFalse();
      assertThat(neverSeen.body().get("online").asBoolean()).isFalse();
      assertThat(neverSeen.body().get("lastSeen").isNull()).isTrue();
    });
    // the other way round too: carol's chat list has the conversation
    assertThat(get(carol, "/v1/users/" + dave + "/presence").body().get("hidden").asBoolean()).isFalse();

    WsClient c = it.connect(0, carol, "phone");
    c.sendRaw("{\"type\":\"heartbeat\"}");
    await().atMost(WAIT).pollInterval(Duration.ofMillis(250)).untilAsserted(() ->
        assertThat(get(dave, "/v1/users/" + carol + "/presence").body().get("online").asBoolean()).isTrue());
    Reply toStranger = get(stranger, "/v1/users/" + carol + "/presence");
    assertThat(toStranger.body().get("hidden").asBoolean()).isTrue();
    assertThat(toStranger.body().get("online").asBoolean()).isFalse();

    long closedAt = System.currentTimeMillis();
    c.close();
    await().atMost(WAIT).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
      JsonNode presence = get(dave, "/v1/users/" + carol + "/presence").body();
      assertThat(presence.get("online").asBoolean()).isFalse();
      assertThat(presence.get("lastSeen").asLong()).isBetween(closedAt - 60_000, System.currentTimeMillis());
    });
    assertThat(get(stranger, "/v1/users/" + carol + "/presence").body().get("lastSeen").isNull()).isTrue();
    // a group in common is a conversation shared
    it.stack.service(DirectoryLocalService.class).directory().directory().createGroup(stranger, "Neighbours", List.of(carol));
    await().atMost(WAIT).pollInterval(Duration.ofMillis(250)).untilAsserted(() ->
        assertThat(get(stranger, "/v1/users/" + carol + "/presence").body().get("lastSeen").asLong()).isPositive());

    String metrics = HTTP.send(HttpRequest.newBuilder(it.stack.gateway(0).uri().resolve("/metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    assertThat(metrics).contains("parley_sink_cassandra_rows_written_total{connector=\"parley-last-seen\"}")
        .contains("parley_history_requests_total");
  }
}
