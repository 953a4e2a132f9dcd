package io.parley.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.auth.TokenService;
import io.parley.model.Conversations;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every endpoint of the one origin with every kind of bad token, and each user kept to their own:
 * someone else's history, chat list, profile and groups, a forged sender, path tricks in asset ids,
 * oversized headers. Every refusal is the documented status; the stack keeps answering.
 */
@Timeout(180)
class SecurityIT {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final AtomicInteger USERS = new AtomicInteger();
  private static final String SHA = "ab".repeat(32);
  private static StackFixture it;
  private static Http http;

  @BeforeAll
  static void start() throws Exception {
    it = StackFixture.withHistory(1, Map.of());
    http = new Http(it.stack.gateway(0).uri());
  }

  @AfterAll
  static void stop() throws Exception {
    if (it != null) {
      it.close();
    }
  }

  static String user(String name) {
    return name + "s" + USERS.incrementAndGet();
  }

  private static byte[] secret() {
    return it.stack.config().required("auth.token.secret").getBytes(StandardCharsets.UTF_8);
  }

  /** Tokens that must never pass, each named for the report. */
  private static Map<String, String> badTokens(String user) {
    String good = it.stack.tokens().issue(user, "phone");
    String[] parts = good.split("\\.");
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    String none = b64.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
    String otherPayload = b64.encodeToString(("{\"sub\":\"someone-else\",\"dev\":\"phone\",\"exp\":"
        + (Instant.now().getEpochSecond() + 3_600) + "}").getBytes(StandardCharsets.UTF_8));
    Map<String, String> tokens = new LinkedHashMap<>();
    tokens.put("no token", null);
    tokens.put("garbage", "garbage");
    tokens.put("empty", "");
    tokens.put("another secret", TokenService.fromSecret("an attacker's guess at the secret, long enough", Duration.ofHours(1))
        .issue(user, "phone"));
    tokens.put("expired", new TokenService(secret(), Duration.ofHours(1),
        Clock.fixed(Instant.now().minus(Duration.ofDays(2)), ZoneOffset.UTC)).issue(user, "phone"));
    tokens.put("alg none, no signature", none + "." + parts[1] + ".");
    tokens.put("alg none, signature kept", none + "." + parts[1] + "." + parts[2]);
    tokens.put("payload swapped", parts[0] + "." + otherPayload + "." + parts[2]);
    tokens.put("oversized", "x".repeat(5_000));
    return tokens;
  }

  @Test
  void shouldRefuseEveryEndpointAndTheSocketWithoutAValidToken() throws Exception {
    String alice = user("alice");
    it.users(alice);
    String dm = Conversations.direct(alice, "zed");
    List<String[]> endpoints = List.of(
        new String[] {"GET", "/v1/users/" + alice, null},
        new String[] {"PATCH", "/v1/users/me", "{\"about\":\"x\"}"},
        new String[] {"GET", "/v1/users/me/groups", null},
        new String[] {"DELETE", "/v1/sessions/current", null},
        new String[] {"POST", "/v1/sessions/current/socket-ticket", "{}"},
        new String[] {"POST", "/v1/groups", "{\"name\":\"x\",\"members\":[]}"},
        new String[] {"GET", "/v1/groups/gnothing", null},
        new String[] {"POST", "/v1/groups/gnothing/members", "{\"user\":\"" + alice + "\"}"},
        new String[] {"DELETE", "/v1/groups/gnothing/members/" + alice, null},
        new String[] {"HEAD", "/v1/assets/" + SHA, null},
        new String[] {"PUT", "/v1/assets/" + SHA, "bytes"},
        new String[] {"GET", "/v1/assets/" + SHA, null},
        new String[] {"GET", "/v1/conversations/" + dm + "/messages", null},
        new String[] {"GET", "/v1/users/me/conversations", null},
        new String[] {"GET", "/v1/users/" + alice + "/presence", null});
    List<String> wrong = new ArrayList<>();
    for (Map.Entry<String, String> token : badTokens(alice).entrySet()) {
      for (String[] e : endpoints) {
        Http.Reply reply = http.send(e[0], e[1], e[2], token.getValue(), e[2] == null ? null : "application/json");
        boolean refused = reply.status() == 401 && (e[0].equals("HEAD") || "unauthorized".equals(reply.code()));
        if (!refused) {
          wrong.add(token.getKey() + ": " + e[0] + " " + e[1] + " -> " + reply.status() + " " + reply.body());
        }
      }
      if (token.getValue() != null && !token.getValue().isEmpty()) {
        assertThatThrownBy(() -> WsClient.connect(it.client, it.stack.gateway(0).webSocketUri(), token.getValue()))
            .as("socket, " + token.getKey()).rootCause().hasMessageContaining("401");
        URI query = URI.create(it.stack.gateway(0).webSocketUri() + "?access_token="
            + java.net.URLEncoder.encode(token.getValue(), StandardCharsets.UTF_8));
        assertThatThrownBy(() -> WsClient.connect(it.client, query, null))
            .as("socket with access_token, " + token.getKey()).rootCause().hasMessageContaining("401");
      }
    }
    assertThat(wrong).as("endpoints that did not answer 401 unauthorized").isEmpty();
    assertThat(http.get("/v1/users/" + alice, it.stack.tokens().issue(alice, "phone")).status()).isEqualTo(200);
  }

  @Test
  void shouldOpenTheSocketWithAOneMinuteTicketThatOpensNothingElse() throws Exception {
    String alice = user("alice");
    String token = http.signUpAndIn(alice, "web");
    Http.Reply issued = http.post("/v1/sessions/current/socket-ticket", Map.of(), token);
    assertThat(issued.status()).isEqualTo(200);
    assertThat(issued.body().get("expiresIn").asInt()).isEqualTo(60);
    assertThat(issued.raw().headers().firstValue("Cache-Control")).hasValue("no-store");
    String ticket = issued.body().get("ticket").asText();

    WsClient socket = WsClient.connect(it.client, URI.create(it.stack.gateway(0).webSocketUri() + "?access_token=" + ticket), null);
    socket.send(alice, "through a ticket");
    assertThat(socket.next("message", WAIT).get("body").asText()).isEqualTo("through a ticket");

    // a ticket is no session: no endpoint takes it, and it cannot mint another
    assertThat(http.get("/v1/users/me/groups", ticket).status()).isEqualTo(401);
    assertThat(http.get("/v1/users/me/groups?access_token=" + ticket, null).status()).isEqualTo(401);
    assertThat(http.post("/v1/sessions/current/socket-ticket", Map.of(), ticket).status()).isEqualTo(401);
    assertThat(http.post("/v1/sessions/current/socket-ticket", Map.of(), null).status()).isEqualTo(401);
    String stale = new TokenService(secret(), Duration.ofDays(30), Clock.fixed(Instant.now().minus(Duration.ofMinutes(3)),
        ZoneOffset.UTC)).issueSocketTicket(alice, "web");
    assertThatThrownBy(() -> WsClient.connect(it.client, URI.create(it.stack.gateway(0).webSocketUri() + "?access_token=" + stale), null))
        .as("a ticket three minutes old").rootCause().hasMessageContaining("401");
  }

  @Test
  void shouldKeepEachUserToTheirOwnHistoryChatListProfileAndGroups() throws Exception {
    String alice = user("alice");
    String bob = user("bob");
    String carol = user("carol");
    String aliceToken = http.signUpAndIn(alice, "phone");
    String bobToken = http.signUpAndIn(bob, "phone");
    String carolToken = http.signUpAndIn(carol, "phone");
    WsClient b = WsClient.connect(it.client, it.stack.gateway(0).webSocketUri(), bobToken);
    b.send(carol, "between bob and carol");
    b.next("sent", WAIT);

    String theirs = Conversations.direct(bob, carol);
    Http.Reply history = http.get("/v1/conversations/" + theirs + "/messages", aliceToken);
    assertThat(history.status()).isEqualTo(403);
    assertThat(history.code()).isEqualTo("forbidden");
    assertThat(http.get("/v1/users/" + bob + "/conversations", aliceToken).status()).isEqualTo(403);
    // a cursor does not widen access, nor does a CQL metacharacter in the id
    assertThat(http.get("/v1/conversations/" + theirs + "/messages?before=1", aliceToken).status()).isEqualTo(403);
    assertThat(http.get("/v1/conversations/dm:" + alice + "':" + bob + "/messages", aliceToken).status()).isEqualTo(400);
    assertThat(http.get("/v1/conversations/dm:" + alice + ";DROP/messages", aliceToken).status()).isIn(400, 404);

    // a profile is changed only as "me"; naming another user changes nothing
    assertThat(http.patch("/v1/users/" + bob, Map.of("about", "hacked"), aliceToken).status()).isIn(404, 405);
    assertThat(http.get("/v1/users/" + bob, aliceToken).body().get("about").asText()).isNotEqualTo("hacked");

    Http.Reply created = http.post("/v1/groups", Map.of("name", "bob's", "members", List.of(alice)), bobToken);
    String group = created.body().get("id").asText();
    assertThat(http.get("/v1/groups/" + group, carolToken).code()).isEqualTo("not_member");
    assertThat(http.post("/v1/groups/" + group + "/members", Map.of("user", carol), carolToken).status()).isEqualTo(403);
    assertThat(http.post("/v1/groups/" + group + "/members", Map.of("user", carol), aliceToken).code()).isEqualTo("not_admin");
    assertThat(http.delete("/v1/groups/" + group + "/members/" + bob, aliceToken).code()).isEqualTo("not_admin");
    assertThat(http.delete("/v1/groups/" + group + "/members/" + alice, carolToken).status()).isIn(403, 404);
    assertThat(http.get("/v1/groups/" + group, bobToken).body().get("members")).hasSize(2);
    assertThat(http.get("/v1/conversations/group:" + group + "/messages", carolToken).status()).isEqualTo(403);

    WsClient c = WsClient.connect(it.client, it.stack.gateway(0).webSocketUri(), carolToken);
    c.sendRaw("{\"type\":\"send\",\"id\":\"sneak\",\"to\":{\"group\":\"" + group + "\"},\"body\":\"let me in\"}");
    JsonNode refused = c.next(f -> "error".equals(f.path("type").asText()) && "sneak".equals(f.path("ref").asText()), WAIT);
    assertThat(refused.get("code").asText()).isEqualTo("not_member");
  }

  @Test
  void shouldTakeTheSenderFromTheTokenWhateverTheFrameSays() throws Exception {
    String alice = user("alice");
    String bob = user("bob");
    String mallory = user("mallory");
    it.users(alice, bob, mallory);
    WsClient m = it.connect(0, mallory, "phone");
    WsClient b = it.connect(0, bob, "phone");
    m.sendRaw("{\"type\":\"send\",\"id\":\"forged-1\",\"from\":\"" + alice + "\",\"fromDevice\":\"phone\","
        + "\"to\":{\"user\":\"" + bob + "\"},\"body\":\"it's alice, honest\"}");
    JsonNode got = b.next("message", WAIT);
    assertThat(got.get("from").asText()).isEqualTo(mallory);
    assertThat(got.get("conversation").asText()).isEqualTo(Conversations.direct(bob, mallory));
  }

  @Test
  void shouldRefusePathTricksInAssetIdsAndOversizedHeaders() throws Exception {
    String alice = user("alice");
    it.users(alice);
    String token = it.stack.tokens().issue(alice, "phone");
    for (String id : List.of("..%2F..%2Fetc%2Fpasswd", "%2e%2e", "..", SHA.toUpperCase(), SHA + "/..", SHA.substring(2),
        SHA + "00", "%00" + SHA.substring(3), SHA.substring(1) + "g")) {
      for (String method : List.of("HEAD", "GET", "PUT")) {
        int status = http.send(method, "/v1/assets/" + id, method.equals("PUT") ? "x" : null, token,
            method.equals("PUT") ? "application/octet-stream" : null).status();
        assertThat(status).as(method + " " + id).isIn(400, 404);
      }
    }
    assertThat(http.rawStatus("127.0.0.1", "GET /v1/assets/../../etc/passwd HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token
        + "\r\nConnection: close\r\n\r\n")).isIn(400, 404);
    assertThat(http.rawStatus("127.0.0.1", "GET /v1/users/me/groups HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(64 * 1024)
        + "\r\nConnection: close\r\n\r\n")).isEqualTo(431);
    assertThat(http.get("/v1/users/me/groups", token).status()).as("the server answers on").isEqualTo(200);
  }
}
