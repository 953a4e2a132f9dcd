package io.parley.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.oss.driver.api.core.NoNodeAvailableException;
import com.fasterxml.jackson.databind.JsonNode;
import io.parley.auth.TokenService;
import io.parley.http.HttpJson;
import io.parley.sinks.history.ChatListRow;
import io.parley.sinks.history.HistoryPage;
import io.parley.sinks.history.HistoryQuery;
import io.parley.sinks.history.MessagePosition;
import io.parley.sinks.history.MessageRow;
import io.parley.sinks.lastseen.PresenceReader;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.eclipse.jetty.http.pathmap.PathSpec;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.PathMappingsHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The API's statuses, codes and paging over a real Jetty server and a fake store. */
class HistoryApiTest {
  private static final TokenService TOKENS = TokenService.fromSecret("0123456789abcdef0123456789abcdef", Duration.ofHours(1));
  private static final String DM = "dm:alice:bob";
  /** The directory's users: dave has an account but was never seen. */
  private static final KnownUsers KNOWN = Set.of("alice", "bob", "carol", "dave")::contains;
  private final HttpClient http = HttpClient.newHttpClient();
  private final FakeStore store = new FakeStore();
  private Server server;

  static final class FakeStore implements HistoryStore {
    final List<HistoryQuery> queries = new ArrayList<>();
    HistoryPage page = new HistoryPage(List.of(), Optional.empty());
    RuntimeException failure;
    /** user + '|' + conversation of every chat-list line: alice has talked to bob. */
    final Set<String> chatLines = new java.util.HashSet<>(Set.of("alice|" + DM, "bob|" + DM));

    @Override
    public HistoryPage read(HistoryQuery query) {
      if (failure != null) {
        throw failure;
      }
      queries.add(query);
      return page;
    }

    @Override
    public Optional<MessagePosition> locate(String conversation, long sentAt, String sender, String messageId) {
      return page.messages().stream()
          .filter(m -> m.conversation().equals(conversation) && m.sentAt() == sentAt && m.sender().equals(sender)
              && m.messageId().equals(messageId))
          .map(MessageRow::place).findFirst();
    }

    @Override
    public List<ChatListRow> chatList(String user, Optional<Long> before, int limit) {
      return List.of(new ChatListRow(user, DM, 2_000, "m2", "bob", "hey", 0));
    }

    @Override
    public boolean hasChatLine(String user, String conversation) {
      return chatLines.contains(user + '|' + conversation);
    }

    @Override
    public Optional<PresenceReader.Presence> presence(String user) {
      return user.equals("bob") ? Optional.of(new PresenceReader.Presence(true, 1_234, 1_300)) : Optional.empty();
    }

    /** The analytics job's tags, by message identity; the ranges the handler asked for. */
    final Map<String, io.parley.sinks.tags.MessageTag> tags = new java.util.HashMap<>();
    final List<long[]> tagRanges = new ArrayList<>();
    List<io.parley.sinks.tags.TagReader.Window> windows = List.of();
    final List<Integer> windowsAsked = new ArrayList<>();

    @Override
    public Map<String, io.parley.sinks.tags.MessageTag> tags(String conversation, long from, long to) {
      tagRanges.add(new long[] {from, to});
      Map<String, io.parley.sinks.tags.MessageTag> out = new java.util.HashMap<>();
      tags.forEach((k, t) -> {
        if (t.conversation().equals(conversation) && t.sentAt() >= from && t.sentAt() <= to) {
          out.put(k, t);
        }
      });
      return out;
    }

    @Override
    public List<io.parley.sinks.tags.TagReader.Window> trends(long now, int windows) {
      windowsAsked.add(windows);
      return this.windows.stream().limit(windows).toList();
    }
  }

  private Map<String, org.eclipse.jetty.server.Handler> routes;
  private PresenceVisibility visibility = PresenceVisibility.CONVERSATIONS;
  private SharedGroups shared = SharedGroups.NONE;

  void start(HistoryMode mode) throws Exception {
    start(mode, ConversationAccess.GroupMembership.UNKNOWN);
  }

  void start(HistoryMode mode, ConversationAccess.GroupMembership groups) throws Exception {
    start(mode, groups, KNOWN);
  }

  void start(HistoryMode mode, ConversationAccess.GroupMembership groups, KnownUsers users) throws Exception {
    routes = HistoryApi.routes(new HistorySettings(mode, 50, 200, visibility),
        ConversationAccess.participants(groups), users, shared, store, TOKENS, new PrometheusRegistry());
    server = serve(routes);
  }

  /** A server with the routes, as a gateway mounts them. */
  static Server serve(Map<String, org.eclipse.jetty.server.Handler> routes) throws Exception {
    Server server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    PathMappingsHandler paths = new PathMappingsHandler();
    routes.forEach((spec, handler) -> paths.addMapping(PathSpec.from(spec), handler));
    // a directory's catch-all for /v1/users/* must not shadow presence and chat lists
    paths.addMapping(PathSpec.from("/v1/users/*"), new org.eclipse.jetty.server.Handler.Abstract() {
      @Override
      public boolean handle(org.eclipse.jetty.server.Request request, org.eclipse.jetty.server.Response response,
          org.eclipse.jetty.util.Callback callback) {
        HttpJson.write(response, callback, 418, Map.of("code", "directory"));
        return true;
      }
    });
    server.setHandler(paths);
    server.start();
    return server;
  }

  @AfterEach
  void stop() throws Exception {
    server.stop();
  }

  record Reply(int status, JsonNode body) {}

  Reply get(String path, String user) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ((ServerConnector) server.getConnectors()[0]).getLocalPort() + path));
    if (user != null) {
      request.header("Authorization", "Bearer " + TOKENS.issue(user, "phone"));
    }
    HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    return new Reply(response.statusCode(), HttpJson.MAPPER.readTree(response.body()));
  }

  static String messages(String conversation, String query) {
    return "/v1/conversations/" + URLEncoder.encode(conversation, StandardCharsets.UTF_8) + "/messages" + query;
  }

  static MessageRow row(String id, String from, long at) {
    return row(id, from, at, at / 10);
  }

  static MessageRow row(String id, String from, long at, long position) {
    return new MessageRow(DM, LocalDate.ofEpochDay(0), at, position, from, id, "phone", "body " + id, List.of(),
        Optional.empty(), at);
  }

  @Test
  void shouldReturnAPageOldestFirstWithACursorToGoOn() throws Exception {
    start(HistoryMode.PERMANENT);
    store.page = new HistoryPage(List.of(row("m3", "bob", 3_000), row("m2", "alice", 2_000)),
        Optional.of(new MessagePosition(2_000, 200)));

    Reply reply = get(messages(DM, "?limit=2"), "alice");

    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.body().get("messages")).extracting(m -> m.get("id").asText()).containsExactly("m2", "m3");
    String next = reply.body().get("next").asText();
    assertThat(store.queries.get(0).newestFirst()).isTrue();
    assertThat(store.queries.get(0).limit()).isEqualTo(2);

    assertThat(get(messages(DM, "?before=" + next), "alice").status()).isEqualTo(200);
    assertThat(store.queries.get(1).start()).contains(new MessagePosition(2_000, 200));
    assertThat(reply.body().get("messages").get(0).get("cursor").asText()).isEqualTo(next);
  }

  @Test
  void shouldStillAcceptCursorsOfTheFirstFormat() throws Exception {
    start(HistoryMode.PERMANENT);
    store.page = new HistoryPage(List.of(row("m2", "alice", 2_000, 7)), Optional.empty());
    java.util.function.Function<String, String> c1 = raw ->
        "c1." + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));

    assertThat(get(messages(DM, "?before=" + c1.apply("2000\nalice\nm2")), "alice").status()).isEqualTo(200);
    assertThat(store.queries.get(0).start()).contains(new MessagePosition(2_000, 7));
    // a message no longer there: its whole millisecond is read again, never skipped
    assertThat(get(messages(DM, "?before=" + c1.apply("2000\nbob\nm9")), "alice").status()).isEqualTo(200);
    assertThat(store.queries.get(1).start()).contains(MessagePosition.endOf(2_000));
    assertThat(get(messages(DM, "?after=" + c1.apply("2000\nbob\nm9")), "alice").status()).isEqualTo(200);
    assertThat(store.queries.get(2).start()).contains(MessagePosition.startOf(2_000));
  }

  @Test
  void shouldPageForwardsFromAfterAndFilterBySender() throws Exception {
    start(HistoryMode.PERMANENT);
    assertThat(get(messages(DM, "?after=1000&from=bob&limit=10"), "bob").status()).isEqualTo(200);
    HistoryQuery q = store.queries.get(0);
    assertThat(q.newestFirst()).isFalse();
    assertThat(q.start()).contains(MessagePosition.endOf(1_000));
    assertThat(q.sender()).contains("bob");
  }

  @Test
  void shouldRefuseAbsurdLimitsMalformedCursorsAndIds() throws Exception {
    start(HistoryMode.PERMANENT);
    for (String query : List.of("?limit=0", "?limit=201", "?limit=ten", "?before=yesterday", "?after=c1.!!!", "?after=c2.!!!",
        "?before=c2.MTIzCng", "?before=c2.MTIzCjEKMg",
        "?before=100&after=200", "?from=Not%20A%20User", "?limit=1&limit=2")) {
      Reply reply = get(messages(DM, query), "alice");
      assertThat(reply.status()).as(query).isEqualTo(400);
      assertThat(reply.body().get("code").asText()).as(query).isEqualTo("bad_request");
    }
    assertThat(get(messages("dm:bob:alice", ""), "alice").status()).isEqualTo(400);
    assertThat(get(messages("chat-42", ""), "alice").status()).isEqualTo(400);
    assertThat(store.queries).isEmpty();
  }

  @Test
  void shouldLetOnlyParticipantsRead() throws Exception {
    start(HistoryMode.PERMANENT);
    Reply outsider = get(messages(DM, ""), "carol");
    assertThat(outsider.status()).isEqualTo(403);
    assertThat(outsider.body().get("code").asText()).isEqualTo("forbidden");
    assertThat(get(messages("group:gteam1", ""), "alice").status()).isEqualTo(403);
    assertThat(get(messages(DM, ""), null).status()).isEqualTo(401);
    assertThat(store.queries).isEmpty();
  }

  @Test
  void shouldLetOnlyMembersReadAGroupAsTheMembershipSays() throws Exception {
    start(HistoryMode.PERMANENT, (group, user) ->
        group.equals("gteam1") && user.equals("alice") ? OptionalLong.of(0) : OptionalLong.empty());
    assertThat(get(messages("group:gteam1", ""), "alice").status()).isEqualTo(200);
    assertThat(get(messages("group:gteam1", ""), "bob").status()).isEqualTo(403);
    assertThat(get(messages("group:gother1", ""), "alice").status()).isEqualTo(403);
    assertThat(store.queries).hasSize(1);
  }

  @Test
  void shouldStartAGroupMembersHistoryAtTheirJoin() throws Exception {
    start(HistoryMode.PERMANENT, (group, user) -> user.equals("alice") ? OptionalLong.of(5_000) : OptionalLong.of(0));
    String group = "group:gteam1";
    MessagePosition joined = MessagePosition.startOf(5_000);

    assertThat(get(messages(group, ""), "alice").status()).isEqualTo(200);
    assertThat(store.queries.get(0).newestFirst()).isTrue();
    assertThat(store.queries.get(0).end()).contains(joined);
    // an earlier lower bound is raised to the join; a later one stands
    get(messages(group, "?after=1000"), "alice");
    assertThat(store.queries.get(1).start()).contains(joined);
    get(messages(group, "?after=9000"), "alice");
    assertThat(store.queries.get(2).start()).contains(MessagePosition.endOf(9_000));
    get(messages(group, "?before=9000&after=1000"), "alice");
    assertThat(store.queries.get(3).start()).contains(MessagePosition.startOf(9_000));
    assertThat(store.queries.get(3).end()).contains(joined);
    // a range wholly before the join is an empty last page, without a read
    Reply before = get(messages(group, "?before=4000"), "alice");
    assertThat(before.status()).isEqualTo(200);
    assertThat(before.body().get("messages")).isEmpty();
    assertThat(before.body().get("next").isNull()).isTrue();
    assertThat(store.queries).hasSize(4);
    // a member since the start reads it all
    get(messages(group, ""), "bob");
    assertThat(store.queries.get(4).end()).isEmpty();
  }

  @Test
  void shouldAnswer503WhenGroupMembershipCannotBeTold() throws Exception {
    start(HistoryMode.PERMANENT, (group, user) -> {
      throw new DirectoryUnavailable("the directory is down", new IllegalStateException("no connection"));
    });
    Reply reply = get(messages("group:gteam1", ""), "alice");
    assertThat(reply.status()).isEqualTo(503);
    assertThat(reply.body().get("code").asText()).isEqualTo("unavailable");
    assertThat(get(messages(DM, ""), "alice").status()).isEqualTo(200);
  }

  @Test
  void shouldSayHistoryIsDisabledInEphemeralModeButStillTellPresence() throws Exception {
    start(HistoryMode.EPHEMERAL);
    Reply history = get(messages(DM, ""), "alice");
    assertThat(history.status()).isEqualTo(404);
    assertThat(history.body().get("code").asText()).isEqualTo("history_disabled");
    assertThat(get("/v1/users/me/conversations", "alice").body().get("code").asText()).isEqualTo("history_disabled");
    assertThat(get("/v1/users/bob/presence", "alice").status()).isEqualTo(200);
  }

  @Test
  void shouldTellPresenceOfKnownUsersAndNotFoundOfUnknownOnes() throws Exception {
    start(HistoryMode.PERMANENT);
    Reply bob = get("/v1/users/bob/presence", "alice");
    assertThat(bob.status()).as(bob.body().toString()).isEqualTo(200);
    assertThat(bob.body().get("online").asBoolean()).isTrue();
    assertThat(bob.body().get("lastSeen").asLong()).isEqualTo(1_234);
    assertThat(bob.body().get("hidden").asBoolean()).isFalse();
    Reply dave = get("/v1/users/dave/presence", "alice");
    assertThat(dave.status()).as(dave.body().toString()).isEqualTo(200);
    assertThat(dave.body().get("user").asText()).isEqualTo("dave");
    assertThat(dave.body().get("online").asBoolean()).isFalse();
    assertThat(dave.body().get("lastSeen").isNull()).isTrue();
    Reply me = get("/v1/users/me/presence", "alice");
    assertThat(me.status()).isEqualTo(200);
    assertThat(me.body().get("user").asText()).isEqualTo("alice");
    assertThat(me.body().get("online").asBoolean()).isFalse();
    assertThat(me.body().get("lastSeen").isNull()).isTrue();
    Reply nobody = get("/v1/users/zed/presence", "alice");
    assertThat(nobody.status()).isEqualTo(404);
    assertThat(nobody.body().get("code").asText()).isEqualTo("not_found");
    assertThat(nobody.body().get("message").asText()).contains("zed");
    assertThat(get("/v1/users/NOT!/presence", "alice").status()).isEqualTo(400);
    assertThat(get("/v1/users/bob", "alice").status()).isEqualTo(418); // the directory's, not ours
  }

  @Test
  void shouldTellPresenceOnlyToThoseWhoShareAConversationUnlessConfiguredOtherwise() throws Exception {
    start(HistoryMode.PERMANENT);
    Reply stranger = get("/v1/users/bob/presence", "carol");
    assertThat(stranger.status()).isEqualTo(200);
    assertThat(stranger.body().get("hidden").asBoolean()).isTrue();
    assertThat(stranger.body().get("online").asBoolean()).isFalse();
    assertThat(stranger.body().get("lastSeen").isNull()).isTrue();
    assertThat(get("/v1/users/bob/presence", "alice").body().get("lastSeen").asLong()).isEqualTo(1_234);
    server.stop();

    shared = (a, b) -> Set.of(a, b).equals(Set.of("carol", "bob"));
    start(HistoryMode.PERMANENT);
    assertThat(get("/v1/users/bob/presence", "carol").body().get("lastSeen").asLong()).as("a shared group").isEqualTo(1_234);
    assertThat(get("/v1/users/bob/presence", "dave").body().get("hidden").asBoolean()).isTrue();
    server.stop();

    shared = (a, b) -> {
      throw new DirectoryUnavailable("the directory is down", new IllegalStateException("no connection"));
    };
    start(HistoryMode.PERMANENT);
    assertThat(get("/v1/users/bob/presence", "alice").status()).as("a direct conversation needs no directory").isEqualTo(200);
    assertThat(get("/v1/users/bob/presence", "carol").status()).isEqualTo(503);
    server.stop();

    shared = SharedGroups.NONE;
    visibility = PresenceVisibility.EVERYONE;
    start(HistoryMode.PERMANENT);
    assertThat(get("/v1/users/bob/presence", "carol").body().get("lastSeen").asLong()).isEqualTo(1_234);
    server.stop();

    visibility = PresenceVisibility.NOBODY;
    start(HistoryMode.PERMANENT);
    assertThat(get("/v1/users/bob/presence", "alice").body().get("hidden").asBoolean()).isTrue();
    assertThat(get("/v1/users/me/presence", "alice").body().get("hidden").asBoolean()).isFalse();
    assertThatThrownBy(() -> PresenceVisibility.parse("friends")).hasMessageContaining("presence.visibility");
  }

  @Test
  void shouldAnswer503ForPresenceWhenTheDirectoryCannotSayWhoExists() throws Exception {
    start(HistoryMode.PERMANENT, ConversationAccess.GroupMembership.UNKNOWN, user -> {
      throw new DirectoryUnavailable("the directory is down", new IllegalStateException("no connection"));
    });
    Reply bob = get("/v1/users/bob/presence", "alice");
    assertThat(bob.status()).isEqualTo(503);
    assertThat(bob.body().get("code").asText()).isEqualTo("unavailable");
    // the caller needs no directory to ask after themselves
    assertThat(get("/v1/users/me/presence", "alice").status()).isEqualTo(200);
    assertThat(get("/v1/users/alice/presence", "alice").status()).isEqualTo(200);
  }

  @Test
  void shouldTellPresenceOfAnyUserIdWithoutADirectory() throws Exception {
    start(HistoryMode.PERMANENT, ConversationAccess.GroupMembership.UNKNOWN, KnownUsers.EVERYONE);
    Reply zed = get("/v1/users/zed/presence", "alice");
    assertThat(zed.status()).isEqualTo(200);
    assertThat(zed.body().get("online").asBoolean()).isFalse();
    assertThat(zed.body().get("lastSeen").isNull()).isTrue();
  }

  @Test
  void shouldServeOnlyTheCallersOwnChatList() throws Exception {
    start(HistoryMode.PERMANENT);
    Reply mine = get("/v1/users/me/conversations?limit=1", "alice");
    assertThat(mine.status()).isEqualTo(200);
    JsonNode line = mine.body().get("conversations").get(0);
    assertThat(line.get("conversation").asText()).isEqualTo(DM);
    assertThat(line.get("lastMessage").get("id").asText()).isEqualTo("m2");
    assertThat(mine.body().get("next").asLong()).isEqualTo(2_000);
    assertThat(get("/v1/users/bob/conversations", "alice").status()).isEqualTo(403);
    assertThat(get("/v1/users/me/conversations?before=soon", "alice").status()).isEqualTo(400);
  }

  @Test
  void shouldAnswer503WhileCassandraIsUnreachable() throws Exception {
    start(HistoryMode.PERMANENT);
    store.failure = new NoNodeAvailableException();
    Reply reply = get(messages(DM, ""), "alice");
    assertThat(reply.status()).isEqualTo(503);
    assertThat(reply.body().get("code").asText()).isEqualTo("unavailable");
  }

  @Test
  void shouldServeFromEveryServerItIsMountedOn() throws Exception {
    start(HistoryMode.PERMANENT);
    Server first = server;
    server = serve(routes); // a second gateway of the same stack
    assertThat(get("/v1/users/bob/presence", "alice").status()).isEqualTo(200);
    first.stop(); // a gateway stops; the others keep serving
    assertThat(get("/v1/users/bob/presence", "alice").status()).isEqualTo(200);
  }

  @Test
  void shouldRefuseOtherMethods() throws Exception {
    start(HistoryMode.PERMANENT);
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
        + ((ServerConnector) server.getConnectors()[0]).getLocalPort() + messages(DM, "")))
        .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(405);
  }
}
