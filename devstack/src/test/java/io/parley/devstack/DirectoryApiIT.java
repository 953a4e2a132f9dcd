package io.parley.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.http.HttpJson;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The directory's HTTP API on the one origin, with good and hostile input. */
@Timeout(120)
class DirectoryApiIT {
  private static StackFixture it;
  private static Http http;

  @BeforeAll
  static void start() throws Exception {
    it = new StackFixture(1, Map.of("directory.max.group.size", "4",
        "directory.signin.failures.per.user.address.per.minute", "5", "directory.signin.failures.per.user.per.minute", "7"));
    http = new Http(it.stack.gateway(0).uri());
  }

  @AfterAll
  static void stop() throws Exception {
    it.close();
  }

  @Test
  void shouldSignUpSignInAndUseTheTokenOnTheSocket() throws Exception {
    Http.Reply up = http.post("/v1/users", Map.of("username", "olivia", "password", StackFixture.PASSWORD, "displayName", "Olivia 🌿"), null);
    assertThat(up.status()).isEqualTo(201);
    assertThat(up.body().get("id").asText()).isEqualTo("olivia");
    assertThat(up.body().get("displayName").asText()).isEqualTo("Olivia 🌿");

    Http.Reply in = http.post("/v1/sessions", Map.of("username", "olivia", "password", StackFixture.PASSWORD, "device", "phone"), null);
    assertThat(in.status()).isEqualTo(200);
    String token = in.body().get("token").asText();
    assertThat(in.body().get("user").get("id").asText()).isEqualTo("olivia");

    WsClient ws = WsClient.connect(it.client, it.stack.gateway(0).webSocketUri(), token);
    ws.send("olivia", "a note to myself");
    assertThat(ws.next("message", java.time.Duration.ofSeconds(20)).get("body").asText()).isEqualTo("a note to myself");
  }

  @Test
  void shouldRefuseDuplicateUsernamesWeakPasswordsAndBadNames() throws Exception {
    http.post("/v1/users", Map.of("username", "pat", "password", StackFixture.PASSWORD), null);
    assertThat(http.post("/v1/users", Map.of("username", "pat", "password", StackFixture.PASSWORD), null).code()).isEqualTo("username_taken");
    assertThat(http.post("/v1/users", Map.of("username", "pat2", "password", "short"), null).code()).isEqualTo("weak_password");
    assertThat(http.post("/v1/users", Map.of("username", "pat3"), null).code()).isEqualTo("bad_request");
    assertThat(http.post("/v1/users", Map.of("username", "Pat'; DROP TABLE users;--", "password", StackFixture.PASSWORD), null).code())
        .isEqualTo("invalid_username");
    assertThat(http.post("/v1/users", Map.of("username", "pat4", "password", StackFixture.PASSWORD, "displayName", "p".repeat(65)), null).status())
        .isEqualTo(400);
    assertThat(http.post("/v1/users", Map.of("username", "pat5", "password", 12345678), null).status()).isEqualTo(400);
    assertThat(http.get("/v1/users/pat4", http.signIn("pat", "phone")).status()).isEqualTo(404);
  }

  @Test
  void shouldRefuseMalformedAndOversizedBodies() throws Exception {
    assertThat(http.send("POST", "/v1/users", "{not json", null, "application/json").code()).isEqualTo("bad_request");
    assertThat(http.send("POST", "/v1/users", "[1,2]", null, "application/json").code()).isEqualTo("bad_request");
    assertThat(http.send("POST", "/v1/users", "username=x", null, "application/x-www-form-urlencoded").status()).isEqualTo(415);
    String huge = "{\"username\":\"big\",\"password\":\"" + "x".repeat(200_000) + "\"}";
    assertThat(http.send("POST", "/v1/users", huge, null, "application/json").status()).isEqualTo(413);
    assertThat(http.get("/v1/nowhere", null).status()).isEqualTo(404);
  }

  @Test
  void shouldAnswerBadCredentialsWith401AndAFloodWith429() throws Exception {
    http.post("/v1/users", Map.of("username", "quinn", "password", StackFixture.PASSWORD), null);
    List<Integer> statuses = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      statuses.add(http.post("/v1/sessions", Map.of("username", "quinn", "password", "guess number " + i, "device", "phone"), null).status());
    }
    assertThat(statuses.subList(0, 5)).containsOnly(401);
    assertThat(statuses.subList(5, 8)).containsOnly(429);
    Http.Reply limited = http.post("/v1/sessions", Map.of("username", "quinn", "password", StackFixture.PASSWORD, "device", "phone"), null);
    assertThat(limited.code()).isEqualTo("rate_limited");
    assertThat(limited.raw().headers().firstValue("Retry-After")).isPresent();

    // The guesser's attempts are its own: quinn signs in from elsewhere, and others from here.
    assertThat(signInFrom("127.0.0.2", "quinn", StackFixture.PASSWORD)).isEqualTo(200);
    http.post("/v1/users", Map.of("username", "quinn2", "password", StackFixture.PASSWORD), null);
    assertThat(http.post("/v1/sessions", Map.of("username", "quinn2", "password", StackFixture.PASSWORD, "device", "phone"), null)
        .status()).isEqualTo(200);
    // Guesses spread over addresses add up for the user (5 above, then 2 more) ...
    assertThat(signInFrom("127.0.0.3", "quinn", "guess from three")).isEqualTo(401);
    assertThat(signInFrom("127.0.0.4", "quinn", "guess from four")).isEqualTo(401);
    // ... to the user-wide limit, which holds for every address until the minute is over.
    assertThat(signInFrom("127.0.0.5", "quinn", StackFixture.PASSWORD)).isEqualTo(429);
  }

  /** A sign-in whose connection comes from {@code address} (any 127.x.y.z is this host). */
  private static int signInFrom(String address, String username, String password) throws Exception {
    String body = HttpJson.MAPPER.writeValueAsString(Map.of("username", username, "password", password, "device", "laptop"));
    return http.rawStatus(address, "POST /v1/sessions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        + "Content-Length: " + body.length() + "\r\nConnection: close\r\n\r\n" + body);
  }

  @Test
  void shouldNeedATokenForProfilesAndGroups() throws Exception {
    assertThat(http.get("/v1/users/quinn", null).status()).isEqualTo(401);
    assertThat(http.get("/v1/users/quinn", "forged.token.here").status()).isEqualTo(401);
    assertThat(http.post("/v1/groups", Map.of("name", "x"), null).status()).isEqualTo(401);
    assertThat(http.patch("/v1/users/me", Map.of("about", "x"), null).status()).isEqualTo(401);
  }

  @Test
  void shouldUpdateMyProfileAndKeepSqlMetacharactersVerbatim() throws Exception {
    String token = http.signUpAndIn("rita", "phone");
    String about = "Robert'); DROP TABLE users;-- \" \\ %";
    Http.Reply patched = http.patch("/v1/users/me", Map.of("displayName", "Rita <b>", "about", about), token);
    assertThat(patched.status()).isEqualTo(200);
    JsonNode profile = http.get("/v1/users/rita", token).body();
    assertThat(profile.get("about").asText()).isEqualTo(about);
    assertThat(profile.get("displayName").asText()).isEqualTo("Rita <b>");
    assertThat(http.patch("/v1/users/me", Map.of("avatar", "../../etc/passwd"), token).status()).isEqualTo(400);
  }

  @Test
  void shouldManageGroupsWithTheDocumentedErrors() throws Exception {
    String sam = http.signUpAndIn("sam", "phone");
    String tia = http.signUpAndIn("tia", "phone");
    http.signUpAndIn("uma", "phone");
    http.signUpAndIn("vic", "phone");
    http.signUpAndIn("wes", "phone");

    Http.Reply created = http.post("/v1/groups", Map.of("name", "Book club'; --", "members", List.of("tia")), sam);
    assertThat(created.status()).isEqualTo(201);
    String id = created.body().get("id").asText();
    assertThat(created.body().get("name").asText()).isEqualTo("Book club'; --");

    assertThat(http.post("/v1/groups/" + id + "/members", Map.of("user", "uma"), tia).code()).isEqualTo("not_admin");
    assertThat(http.post("/v1/groups/" + id + "/members", Map.of("user", "nobody"), sam).code()).isEqualTo("unknown_user");
    assertThat(http.post("/v1/groups/gnosuchgroup1/members", Map.of("user", "uma"), sam).code()).isEqualTo("unknown_group");
    assertThat(http.post("/v1/groups/" + id + "/members", Map.of("user", "uma"), sam).status()).isEqualTo(200);
    assertThat(http.post("/v1/groups/" + id + "/members", Map.of("user", "uma"), sam).code()).isEqualTo("already_member");
    assertThat(http.post("/v1/groups/" + id + "/members", Map.of("user", "vic"), sam).status()).isEqualTo(200);
    assertThat(http.post("/v1/groups/" + id + "/members", Map.of("user", "wes"), sam).code()).isEqualTo("group_too_large");
    assertThat(http.post("/v1/groups", Map.of("name", "Too many", "members", List.of("tia", "uma", "vic", "wes")), sam).code())
        .isEqualTo("group_too_large");

    assertThat(http.delete("/v1/groups/" + id + "/members/uma", tia).code()).isEqualTo("not_admin");
    assertThat(http.delete("/v1/groups/" + id + "/members/tia", tia).status()).isEqualTo(200);
    assertThat(http.get("/v1/groups/" + id, tia).code()).isEqualTo("not_member");
    JsonNode group = http.get("/v1/groups/" + id, sam).body();
    assertThat(group.get("members")).extracting(m -> m.get("user").asText()).containsExactly("sam", "uma", "vic");
    assertThat(http.get("/v1/users/me/groups", sam).body().get("groups")).hasSize(1);
  }
}
