package io.parley.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A service's server under {@link HttpLimits}: real sockets, some of them from another loopback address. */
@Timeout(30)
class HttpLimitsTest {
  private static final String HEALTH = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
  private ServiceServer server;
  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final List<Socket> sockets = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    server = ServiceServer.start("limits", "127.0.0.1", 0, new HttpLimits(Duration.ofMillis(800), 3), Map.of(), registry);
  }

  /** {@code parley_http_limit_closes_total{server="limits", reason}} as the server's /metrics would show it. */
  private double closes(String reason) {
    return registry.scrape().stream()
        .filter(m -> m.getMetadata().getPrometheusName().equals("parley_http_limit_closes"))
        .flatMap(m -> m.getDataPoints().stream())
        .filter(p -> p.getLabels().get("server").equals("limits") && p.getLabels().get("reason").equals(reason))
        .mapToDouble(p -> ((CounterSnapshot.CounterDataPointSnapshot) p).getValue())
        .findFirst().orElse(-1);
  }

  @AfterEach
  void stop() throws IOException {
    for (Socket socket : sockets) {
      socket.close();
    }
    server.close();
  }

  private Socket open(String from) throws IOException {
    Socket socket = new Socket();
    sockets.add(socket);
    socket.bind(new InetSocketAddress(from, 0));
    socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 2_000);
    socket.setSoTimeout(5_000);
    return socket;
  }

  /** The status of the response to one request on the socket, its body read; -1 when the server closed it instead. */
  private static int exchange(Socket socket, String request) throws IOException {
    try {
      socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
      String status = in.readLine();
      if (status == null) {
        return -1;
      }
      int length = 0;
      for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
        if (line.toLowerCase().startsWith("content-length:")) {
          length = Integer.parseInt(line.substring(15).trim());
        }
      }
      in.skip(length);
      return Integer.parseInt(status.split(" ")[1]);
    } catch (SocketException e) {
      return -1; // reset
    }
  }

  /** Milliseconds until the server closes the socket (it reads end of stream or a reset). */
  private static long untilClosed(Socket socket, long since) throws IOException {
    try {
      while (socket.getInputStream().read() >= 0) {
        // whatever the server said before closing
      }
    } catch (SocketException e) {
      // reset: closed too
    }
    return System.currentTimeMillis() - since;
  }

  @Test
  void shouldCloseAConnectionThatTricklesItsHeaderWhileServingOthers() throws Exception {
    Socket slow = open("127.0.0.1");
    long opened = System.currentTimeMillis();
    OutputStream out = slow.getOutputStream();
    Thread trickle = new Thread(() -> {
      try {
        for (byte b : "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ".getBytes(StandardCharsets.ISO_8859_1)) {
          out.write(b);
          out.flush();
          Thread.sleep(50); // well inside Jetty's idle timeout: each byte keeps the connection busy
        }
        while (true) {
          out.write('a');
          Thread.sleep(50);
        }
      } catch (IOException | InterruptedException e) {
        // closed by the server, as meant
      }
    });
    trickle.start();
    assertThat(exchange(open("127.0.0.1"), HEALTH)).as("another client meanwhile").isEqualTo(200);
    assertThat(untilClosed(slow, opened)).isBetween(700L, 4_000L);
    trickle.join(2_000);
    assertThat(closes("header_deadline")).as("counted").isEqualTo(1);
    assertThat(closes("address_limit")).isZero();
  }

  @Test
  void shouldCloseAConnectionThatSendsPartOfAHeaderOrNothing() throws Exception {
    Socket partial = open("127.0.0.1");
    long opened = System.currentTimeMillis();
    partial.getOutputStream().write("GET /heal".getBytes(StandardCharsets.ISO_8859_1));
    Socket silent = open("127.0.0.1");
    assertThat(untilClosed(partial, opened)).isBetween(700L, 4_000L);
    assertThat(untilClosed(silent, opened)).isBetween(700L, 4_000L);
  }

  @Test
  void shouldLeaveAKeptAliveConnectionOpenBetweenRequests() throws Exception {
    Socket socket = open("127.0.0.1");
    assertThat(exchange(socket, HEALTH)).isEqualTo(200);
    Thread.sleep(1_600); // twice the header deadline, idle
    assertThat(exchange(socket, HEALTH)).isEqualTo(200);
  }

  @Test
  void shouldRefuseConnectionsBeyondTheLimitFromOneAddressOnly() throws Exception {
    List<Socket> held = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Socket socket = open("127.0.0.1");
      assertThat(exchange(socket, HEALTH)).as("connection " + (i + 1)).isEqualTo(200);
      held.add(socket);
    }
    assertThat(closes("address_limit")).as("a series from the start").isZero();
    assertThat(exchange(open("127.0.0.1"), HEALTH)).as("the fourth from one address").isEqualTo(-1);
    assertThat(closes("address_limit")).as("counted").isEqualTo(1);
    assertThat(exchange(open("127.0.0.2"), HEALTH)).as("another address").isEqualTo(200);
    for (Socket socket : held) {
      assertThat(exchange(socket, HEALTH)).as("those already open").isEqualTo(200);
    }
    held.get(0).close();
    long deadline = System.currentTimeMillis() + 5_000;
    int status;
    do {
      status = exchange(open("127.0.0.1"), HEALTH); // the close reaches the server a moment later
    } while (status != 200 && System.currentTimeMillis() < deadline);
    assertThat(status).as("a place freed by a close").isEqualTo(200);
  }
}
