package io.parley.gateway.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.parley.config.ConfigSource;
import io.parley.http.FixedReply;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The page's files over real HTTP: what is served, with which type, caching and policy, and what is not. */
class WebPageTest {
  private static final String CSP = PageCsp.policy("http://127.0.0.1:9000");
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static Server server;
  private static URI base;

  @BeforeAll
  static void start() throws Exception {
    server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    WebPage page = WebPage.load(WebPageTest.class.getClassLoader(), "io/parley/gateway/web/page/", CSP);
    // What the page declines falls through to the API's 404, as in the gateway.
    server.setHandler(new Handler.Sequence(page, FixedReply.notFound()));
    server.start();
    base = URI.create("http://127.0.0.1:" + connector.getLocalPort());
  }

  @AfterAll
  static void stop() throws Exception {
    server.stop();
  }

  static HttpResponse<String> send(String method, String path, Map<String, String> headers) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).method(method, HttpRequest.BodyPublishers.noBody());
    headers.forEach(request::header);
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> get(String path) throws Exception {
    return send("GET", path, Map.of());
  }

  @Test
  void shouldServeTheIndexAtTheRootRevalidatedWithThePolicy() throws Exception {
    HttpResponse<String> page = get("/");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("/assets/app-1a2b3c.js");
    assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html;charset=utf-8");
    assertThat(page.headers().firstValue("Cache-Control")).hasValue("no-cache");
    assertThat(page.headers().firstValue("Content-Security-Policy")).hasValue(CSP);
    assertThat(page.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    assertThat(page.headers().firstValue("X-Frame-Options")).hasValue("DENY");
    assertThat(get("/index.html").body()).isEqualTo(page.body());
  }

  @Test
  void shouldCacheHashedAssetsForeverWithTheirType() throws Exception {
    HttpResponse<String> js = get("/assets/app-1a2b3c.js");
    assertThat(js.statusCode()).isEqualTo(200);
    assertThat(js.headers().firstValue("Content-Type")).hasValue("text/javascript;charset=utf-8");
    assertThat(js.headers().firstValue("Cache-Control")).hasValue("public, max-age=31536000, immutable");
    assertThat(get("/assets/app-1a2b3c.css").headers().firstValue("Content-Type")).hasValue("text/css;charset=utf-8");
  }

  @Test
  void shouldAnswerAMatchingEtagWithNotModified() throws Exception {
    String etag = get("/").headers().firstValue("ETag").orElseThrow();
    HttpResponse<String> again = send("GET", "/", Map.of("If-None-Match", etag));
    assertThat(again.statusCode()).isEqualTo(304);
    assertThat(again.body()).isEmpty();
    assertThat(send("GET", "/", Map.of("If-None-Match", "\"other\"")).statusCode()).isEqualTo(200);
  }

  @Test
  void shouldAnswerHeadWithoutABody() throws Exception {
    HttpResponse<String> head = send("HEAD", "/", Map.of());
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.body()).isEmpty();
    assertThat(head.headers().firstValue("Content-Length")).isPresent();
  }

  @Test
  void shouldDeclineWhatThePageDoesNotList() throws Exception {
    assertThat(get("/secret.txt").statusCode()).isEqualTo(404); // on the class path, not in files.txt
    assertThat(get("/files.txt").statusCode()).isEqualTo(404);
    assertThat(get("/assets/../secret.txt").statusCode()).isEqualTo(404);
    assertThat(get("/nothing.js").statusCode()).isEqualTo(404);
    assertThat(get("/v1/users/me").body()).contains("not_found");
    assertThat(send("POST", "/", Map.of()).statusCode()).isEqualTo(404);
  }

  @Test
  void shouldServeNothingWithoutAPageOnTheClassPath() throws Exception {
    WebPage none = WebPage.load(WebPageTest.class.getClassLoader(), "io/parley/gateway/web/absent/", CSP);
    assertThat(none.paths()).isEmpty();
  }

  @Test
  void shouldLetThePageConnectOnlyHereAndToTheMediaStore() {
    assertThat(CSP).contains("default-src 'none'", "script-src 'self'", "connect-src 'self' http://127.0.0.1:9000",
        "frame-ancestors 'none'", "require-trusted-types-for 'script'").doesNotContain("unsafe");
    assertThat(PageCsp.mediaSources(ConfigSource.of(Map.of("assets.s3.endpoint", "http://127.0.0.1:4567"))))
        .isEqualTo("http://127.0.0.1:4567");
    assertThat(PageCsp.mediaSources(ConfigSource.of(Map.of("assets.s3.endpoint", "http://127.0.0.1:4567",
        "assets.cdn.base.url", "https://media.example.com/parley")))).isEqualTo("https://media.example.com");
    assertThat(PageCsp.mediaSources(ConfigSource.of(Map.of()))).isEqualTo("https://*.amazonaws.com");
    assertThatThrownBy(() -> PageCsp.mediaSources(ConfigSource.of(Map.of("gateway.web.media.sources", "'unsafe-inline'"))))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
