package io.parley.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Clients that hold a gateway's connections or flood them: a slowloris trickling its request header,
 * one address opening more connections than it may, a socket sending frames faster than it may.
 * Each is cut off while users on other connections and other addresses (127.0.0.2: Linux answers on
 * all of 127/8) go on messaging.
 */
@Timeout(90)
class ConnectionAbuseIT {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final int LIMIT = 12;
  private static final int FRAMES_PER_SECOND = 50;
  private static final String HEALTH = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
  private static final AtomicInteger USERS = new AtomicInteger();
  private static StackFixture it;
  private static WebSocketClient fromOtherAddress;
  private final List<Socket> sockets = new ArrayList<>();
  private final List<WsClient> clients = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    it = new StackFixture(1, Map.of("http.header.timeout", "2s", "http.max.connections.per.address", String.valueOf(LIMIT),
        "gateway.frames.per.second", String.valueOf(FRAMES_PER_SECOND)));
    HttpClient http = new HttpClient();
    http.setBindAddress(new InetSocketAddress("127.0.0.2", 0));
    fromOtherAddress = new WebSocketClient(http);
    fromOtherAddress.start();
  }

  @AfterAll
  static void stop() throws Exception {
    if (fromOtherAddress != null) {
      fromOtherAddress.stop();
    }
    if (it != null) {
      it.close();
    }
  }

  @AfterEach
  void closeSockets() throws IOException {
    for (Socket socket : sockets) {
      socket.close();
    }
    clients.forEach(WsClient::close);
  }

  /** A user's socket from 127.0.0.1, closed after the test (each test counts what that address holds). */
  private WsClient connect(String user, String device) throws Exception {
    WsClient client = it.connect(0, user, device);
    clients.add(client);
    return client;
  }

  private static String user(String name) throws Exception {
    String id = name + USERS.incrementAndGet();
    it.users(id);
    return id;
  }

  private Socket open(String from) throws IOException {
    URI gateway = it.stack.gateway(0).uri();
    Socket socket = new Socket();
    sockets.add(socket);
    socket.bind(new InetSocketAddress(from, 0));
    socket.connect(new InetSocketAddress(gateway.getHost(), gateway.getPort()), 5_000);
    socket.setSoTimeout(10_000);
    return socket;
  }

  /** The status of the answer to one request (its body read, the connection kept); -1 if the server closed it instead. */
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

  private static void assertDelivered(WsClient from, String to, WsClient recipient, String body) throws Exception {
    String id = from.send(to, body);
    assertThat(from.next("sent", WAIT)).as("sent: " + body).isNotNull();
    assertThat(recipient.next(f -> f.path("type").asText().equals("message") && f.path("id").asText().equals(id), WAIT))
        .as("delivered: " + body).isNotNull();
  }

  @Test
  void shouldCloseATricklingHeaderWithinTheDeadlineWhileOthersAreServed() throws Exception {
    String alice = user("alice");
    String bob = user("bob");
    WsClient a = connect(alice, "phone");
    WsClient b = connect(bob, "phone");
    Socket slow = open("127.0.0.1");
    long opened = System.currentTimeMillis();
    OutputStream out = slow.getOutputStream();
    Thread trickle = new Thread(() -> {
      try {
        byte[] header = ("GET /v1/ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nX-Slow: " + "a".repeat(1_000))
            .getBytes(StandardCharsets.ISO_8859_1);
        for (byte c : header) {
          out.write(c);
          out.flush();
          Thread.sleep(100); // a byte well within every idle timeout
        }
      } catch (IOException | InterruptedException e) {
        // the server closed it: what the test waits for
      }
    }, "slowloris");
    trickle.start();
    assertThat(exchange(open("127.0.0.1"), HEALTH)).as("another connection meanwhile").isEqualTo(200);
    assertDelivered(a, bob, b, "while a header trickles");
    long closedAfter;
    try {
      while (slow.getInputStream().read() >= 0) {
        // whatever the server says before closing
      }
    } catch (SocketException e) {
      // reset: closed too
    }
    closedAfter = System.currentTimeMillis() - opened;
    trickle.interrupt();
    assertThat(closedAfter).as("ms until the trickle was cut off").isBetween(1_800L, 6_000L);
    assertThat(a.isOpen()).as("sockets open for longer than the deadline").isTrue();
    assertDelivered(b, alice, a, "after the trickle");
  }

  @Test
  void shouldRefuseConnectionsBeyondTheLimitFromOneAddressAndNoOneElse() throws Exception {
    String alice = user("alice");
    String bob = user("bob");
    String carol = user("carol");
    WsClient a = connect(alice, "phone");
    WsClient b = connect(bob, "phone");
    // Fill what 127.0.0.1 has left and go beyond: the two sockets above hold some of it, and the
    // stack's and the test's own HTTP clients may hold a few more, or the sockets of a test before
    // whose closes are still on their way.
    List<Socket> flood = new ArrayList<>();
    int served = 0;
    int refused = 0;
    for (int i = 0; i < LIMIT + 3; i++) {
      Socket socket = open("127.0.0.1");
      if (exchange(socket, HEALTH) == 200) {
        served++;
        flood.add(socket);
      } else {
        refused++;
      }
    }
    assertThat(served).as("served from one address, two sockets held before").isBetween(LIMIT - 7, LIMIT - 2);
    assertThat(refused).isGreaterThanOrEqualTo(3);
    assertThatThrownBy(() -> connect(carol, "laptop")).as("a WebSocket beyond the limit").isInstanceOf(Exception.class);

    WsClient c = WsClient.connect(fromOtherAddress, it.stack.gateway(0).webSocketUri(), it.stack.tokens().issue(carol, "phone"));
    clients.add(c);
    assertDelivered(c, alice, a, "from another address");
    assertDelivered(a, bob, b, "on a socket opened before the flood");
    for (Socket socket : flood) {
      assertThat(exchange(socket, HEALTH)).as("a connection opened before the limit was reached").isEqualTo(200);
    }

    for (Socket socket : flood) {
      socket.close();
    }
    long deadline = System.currentTimeMillis() + 5_000;
    WsClient again = null;
    while (again == null) {
      try {
        again = connect(carol, "laptop");
      } catch (Exception e) {
        if (System.currentTimeMillis() > deadline) {
          throw e; // the closes never freed a place
        }
        Thread.sleep(100);
      }
    }
    assertDelivered(again, bob, b, "once the flood is gone");
  }

  @Test
  void shouldRateLimitAFrameFloodAndCloseTheSocketThatKeepsOn() throws Exception {
    String alice = user("alice");
    String bob = user("bob");
    WsClient a = connect(alice, "phone");
    WsClient b = connect(bob, "phone");
    WsClient m = connect(user("mallory"), "phone");
    try {
      for (int i = 0; i < 4 * FRAMES_PER_SECOND; i++) {
        m.sendRaw("{\"type\":\"heartbeat\"}"); // frames that are no message: only the frame limit counts them
      }
    } catch (Exception closedMeanwhile) {
      // the gateway gave up on it before the flood ended
    }
    assertThat(m.next("error", WAIT).get("code").asText()).isEqualTo("rate_limited");
    assertThat(m.awaitClose(WAIT)).as("refused frames past gateway.abuse.errors").isEqualTo(
        io.parley.gateway.session.ClientSocket.CLOSE_ABUSE);
    assertDelivered(a, bob, b, "beside the flood");
  }
}
