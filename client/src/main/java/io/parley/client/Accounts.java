package io.parley.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The HTTP side of the protocol a client needs: sign-up, sign-in and sign-out, groups. */
public final class Accounts {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private final URI server;

  /** A refusal from the server, with its protocol error code. */
  public static final class Refused extends IOException {
    private final int status;
    private final String code;

    Refused(int status, String code, String message) {
      super(message + " (" + code + ")");
      this.status = status;
      this.code = code;
    }

    public int status() {
      return status;
    }

    public String code() {
      return code;
    }
  }

  public Accounts(URI server) {
    this.server = server;
  }

  public JsonNode signUp(String username, String password, String displayName) throws IOException, InterruptedException {
    return call("POST", "/v1/users", Map.of("username", username, "password", password, "displayName", displayName), null);
  }

  /** Signs one device in and returns its access token. */
  public String signIn(String username, String password, String device) throws IOException, InterruptedException {
    return call("POST", "/v1/sessions", Map.of("username", username, "password", password, "device", device), null)
        .get("token").asText();
  }

  /**
   * Signs this token's device out: the server stops keeping messages for it. The token itself stays
   * valid until it expires (tokens are stateless), so forget it, and the device's outbox with it.
   */
  public void signOut(String token) throws IOException, InterruptedException {
    call("DELETE", "/v1/sessions/current", null, token);
  }

  public JsonNode createGroup(String token, String name, List<String> members) throws IOException, InterruptedException {
    return call("POST", "/v1/groups", Map.of("name", name, "members", members), token);
  }

  public JsonNode myGroups(String token) throws IOException, InterruptedException {
    return call("GET", "/v1/users/me/groups", null, token);
  }

  public JsonNode addMember(String token, String group, String user) throws IOException, InterruptedException {
    return call("POST", "/v1/groups/" + group + "/members", Map.of("user", user), token);
  }

  public JsonNode removeMember(String token, String group, String user) throws IOException, InterruptedException {
    return call("DELETE", "/v1/groups/" + group + "/members/" + user, null, token);
  }

  public JsonNode call(String method, String path, Object body, String token) throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(server.resolve(path)).timeout(Duration.ofSeconds(30))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    JsonNode json = response.body().length == 0 ? JSON.createObjectNode() : JSON.readTree(response.body());
    if (response.statusCode() >= 400) {
      throw new Refused(response.statusCode(), json.path("code").asText("http_" + response.statusCode()),
          json.path("message").asText("request refused"));
    }
    return json;
  }
}
