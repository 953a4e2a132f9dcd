package io.parley.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.Test;

class ServiceServerTest {
  private final HttpClient http = HttpClient.newHttpClient();

  private HttpResponse<String> get(ServiceServer server, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void shouldServeItsRoutesMetricsHealthAndA404ForTheRest() throws Exception {
    PrometheusRegistry registry = new PrometheusRegistry();
    Handler hello = new Handler.Abstract.NonBlocking() {
      @Override
      public boolean handle(Request request, Response response, Callback callback) {
        HttpJson.write(response, callback, 200, Map.of("hello", request.getHttpURI().getPath()));
        return true;
      }
    };
    try (ServiceServer server = ServiceServer.start("test", "127.0.0.1", 0, Map.of("/v1/things/*", hello), registry)) {
      assertThat(server.port()).isPositive();
      assertThat(server.uri()).isEqualTo(URI.create("http://127.0.0.1:" + server.port()));
      assertThat(get(server, "/v1/things/7").body()).contains("\"hello\":\"/v1/things/7\"");
      assertThat(get(server, "/healthz").statusCode()).isEqualTo(200);
      HttpResponse<String> metrics = get(server, "/metrics");
      assertThat(metrics.statusCode()).isEqualTo(200);
      assertThat(metrics.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/plain"));
      HttpResponse<String> unknown = get(server, "/v1/other");
      assertThat(unknown.statusCode()).isEqualTo(404);
      assertThat(unknown.body()).contains("\"code\":\"not_found\"");
    }
  }

  @Test
  void shouldFailToStartOnAPortInUseAndLeaveNothingRunning() throws Exception {
    try (ServiceServer first = ServiceServer.start("first", "0.0.0.0", 0, Map.of(), new PrometheusRegistry())) {
      assertThat(first.uri()).isEqualTo(URI.create("http://127.0.0.1:" + first.port()));
      assertThatThrownBy(() -> ServiceServer.start("second", "127.0.0.1", first.port(), Map.of(), new PrometheusRegistry()))
          .hasRootCauseInstanceOf(java.net.BindException.class);
      assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().startsWith("second"));
    }
  }
}
