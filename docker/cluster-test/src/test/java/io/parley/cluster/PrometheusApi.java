package io.parley.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** Instant queries against a Prometheus's HTTP API, as a Grafana panel would run them. */
final class PrometheusApi {
  private final URI base;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final ObjectMapper json = new ObjectMapper();

  PrometheusApi(URI base) {
    this.base = base;
  }

  /**
   * Null when the query evaluates and returns at least one sample; otherwise why not. Grafana's
   * {@code $__rate_interval} becomes 1m here.
   */
  String problem(String expr) throws Exception {
    String q = expr.replace("$__rate_interval", "1m").replace("$__interval", "15s");
    HttpRequest request = HttpRequest.newBuilder(base.resolve("/api/v1/query?query=" + URLEncoder.encode(q, StandardCharsets.UTF_8)))
        .timeout(Duration.ofSeconds(10)).GET().build();
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    JsonNode body = json.readTree(response.body());
    if (!"success".equals(body.path("status").asText())) {
      return "error: " + body.path("error").asText(response.body());
    }
    JsonNode result = body.path("data").path("result");
    if (!result.isArray() || result.isEmpty()) {
      return "no data";
    }
    for (JsonNode sample : result) {
      String value = sample.path("value").path(1).asText();
      if (!value.equals("NaN")) {
        return null;
      }
    }
    return "only NaN";
  }
}
