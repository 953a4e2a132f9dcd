package io.parley.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Which address a request counts as: real requests from a real socket, with and without a proxy's header. */
@Timeout(30)
class ClientAddressTest {
  private ServiceServer server;

  /** Answers with the address the request counts as, behind a proxy ({@code /proxied}) or not ({@code /direct}). */
  private static Handler echo(boolean behindProxy) {
    return new Handler.Abstract.NonBlocking() {
      @Override
      public boolean handle(Request request, Response response, Callback callback) {
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain");
        Content.Sink.write(response, true, ClientAddress.of(request, behindProxy), callback);
        return true;
      }
    };
  }

  @BeforeEach
  void start() throws Exception {
    server = ServiceServer.start("addresses", "127.0.0.1", 0, Map.of("/direct", echo(false), "/proxied", echo(true)),
        new PrometheusRegistry());
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
  }

  /** The body of the answer to one GET of {@code path} from {@code from}, with the given extra header lines. */
  private String get(String from, String path, String... headers) throws IOException {
    try (Socket socket = new Socket()) {
      socket.bind(new InetSocketAddress(from, 0));
      socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 2_000);
      socket.setSoTimeout(5_000);
      StringBuilder request = new StringBuilder("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n");
      for (String header : headers) {
        request.append(header).append("\r\n");
      }
      socket.getOutputStream().write(request.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
      InputStream in = socket.getInputStream();
      String reply = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
      assertThat(reply).startsWith("HTTP/1.1 200");
      return reply.substring(reply.indexOf("\r\n\r\n") + 4);
    }
  }

  @Test
  void shouldCountAServerThatNoProxyFrontsByItsPeerWhateverTheHeaderSays() throws Exception {
    assertThat(get("127.0.0.2", "/direct")).isEqualTo("127.0.0.2");
    assertThat(get("127.0.0.2", "/direct", "X-Forwarded-For: 203.0.113.9")).isEqualTo("127.0.0.2");
  }

  @Test
  void shouldCountBehindAProxyByTheAddressTheProxyAppendedLast() throws Exception {
    assertThat(get("127.0.0.2", "/proxied", "X-Forwarded-For: 198.51.100.7")).isEqualTo("198.51.100.7");
    // a client that sends its own header first: the proxy appends the peer it saw, and only that counts
    assertThat(get("127.0.0.2", "/proxied", "X-Forwarded-For: 203.0.113.9, 198.51.100.7")).isEqualTo("198.51.100.7");
    assertThat(get("127.0.0.2", "/proxied", "X-Forwarded-For: 203.0.113.9", "X-Forwarded-For: 198.51.100.8"))
        .isEqualTo("198.51.100.8");
    assertThat(get("127.0.0.2", "/proxied", "X-Forwarded-For: 2001:db8::1")).isEqualTo("2001:db8::1");
  }

  @Test
  void shouldFallBackToThePeerWhenTheProxyAddedNothing() throws Exception {
    assertThat(get("127.0.0.3", "/proxied")).isEqualTo("127.0.0.3");
    assertThat(get("127.0.0.3", "/proxied", "X-Forwarded-For: , ")).isEqualTo("127.0.0.3");
  }
}
