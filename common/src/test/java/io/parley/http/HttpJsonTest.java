package io.parley.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Refusals of request bodies reach the client, however much of the body it is still sending. */
class HttpJsonTest {
  private static final int MAX = 1024;
  private final HttpClient http = HttpClient.newHttpClient();
  private ServiceServer server;

  @BeforeEach
  void start() throws Exception {
    Handler echo = new Handler.Abstract() {
      @Override
      public boolean handle(Request request, Response response, Callback callback) {
        try {
          HttpJson.write(response, callback, 200, HttpJson.readObject(request, MAX));
        } catch (HttpError e) {
          HttpJson.error(response, callback, e);
        }
        return true;
      }
    };
    server = ServiceServer.start("json", "127.0.0.1", 0, Map.of("/echo", echo), new PrometheusRegistry());
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
  }

  private HttpResponse<String> post(HttpRequest.BodyPublisher body, String type) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/echo"))
        .header("Content-Type", type).POST(body).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void shouldAnswerAnOversizedBodyWith413EveryTime() throws Exception {
    byte[] huge = ("{\"a\":\"" + "x".repeat(300_000) + "\"}").getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < 20; i++) {
      HttpResponse<String> declared = post(HttpRequest.BodyPublishers.ofByteArray(huge), "application/json");
      assertThat(declared.statusCode()).as("declared length, try %d", i).isEqualTo(413);
      assertThat(declared.body()).contains("\"code\":\"too_large\"");
      HttpResponse<String> chunked = post(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(huge)), "application/json");
      assertThat(chunked.statusCode()).as("chunked, try %d", i).isEqualTo(413);
      HttpResponse<String> form = post(HttpRequest.BodyPublishers.ofByteArray(huge), "application/x-www-form-urlencoded");
      assertThat(form.statusCode()).as("wrong type, try %d", i).isEqualTo(415);
    }
    assertThat(post(HttpRequest.BodyPublishers.ofString("{\"a\":1}"), "application/json").body()).isEqualTo("{\"a\":1}");
  }
}
