package io.parley.devstack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A small JSON-over-HTTP client for the tests. */
final class Http {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private final URI base;

  record Reply(int status, JsonNode body, HttpResponse<String> raw) {
    String code() {
      return body == null ? null : body.path("code").asText(null);
    }
  }

  Http(URI base) {
    this.base = base;
  }

  Reply send(String method, String path, String body, String token, String contentType) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      b.header("Content-Type", contentType);
    }
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    HttpResponse<String> r;
    try {
      r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (java.io.IOException e) {
      if (e.getMessage() == null || !e.getMessage().contains("received no bytes")) {
        throw e;
      }
      // The server closed a kept-alive connection (its idle timeout) as the request went out on
      // it, before reading a byte; any HTTP client sends such a request again, on a new connection.
      r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
    JsonNode json = null;
    if (r.body() != null && !r.body().isBlank()) {
      try {
        json = JSON.readTree(r.body());
      } catch (Exception e) {
        json = null;
      }
    }
    return new Reply(r.statusCode(), json, r);
  }

  Reply post(String path, Object body, String token) throws Exception {
    return send("POST", path, JSON.writeValueAsString(body), token, "application/json");
  }

  Reply patch(String path, Object body, String token) throws Exception {
    return send("PATCH", path, JSON.writeValueAsString(body), token, "application/json");
  }

  Reply get(String path, String token) throws Exception {
    return send("GET", path, null, token, null);
  }

  Reply delete(String path, String token) throws Exception {
    return send("DELETE", path, null, token, null);
  }

  /** Signs a user up and in; returns the token for the device. */
  String signUpAndIn(String username, String device) throws Exception {
    Reply up = post("/v1/users", java.util.Map.of("username", username, "password", StackFixture.PASSWORD, "displayName", username), null);
    if (up.status() != 201 && up.status() != 409) {
      throw new AssertionError("sign-up of " + username + " failed: " + up.status() + " " + up.body());
    }
    return signIn(username, device);
  }

  String signIn(String username, String device) throws Exception {
    Reply in = post("/v1/sessions", java.util.Map.of("username", username, "password", StackFixture.PASSWORD, "device", device), null);
    if (in.status() != 200) {
      throw new AssertionError("sign-in of " + username + " failed: " + in.status() + " " + in.body());
    }
    return in.body().get("token").asText();
  }

  /**
   * Writes {@code request} as it is on a fresh connection from {@code localAddress} (any 127.x.y.z
   * is this host) and returns the status of the answer: for requests the HTTP client would not send.
   */
  int rawStatus(String localAddress, String request) throws Exception {
    try (java.net.Socket socket = new java.net.Socket()) {
      socket.bind(new java.net.InetSocketAddress(localAddress, 0));
      socket.connect(new java.net.InetSocketAddress(base.getHost(), base.getPort()), 5_000);
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
      String status = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
          java.nio.charset.StandardCharsets.ISO_8859_1)).readLine();
      return Integer.parseInt(status.split(" ")[1]);
    }
  }
}
