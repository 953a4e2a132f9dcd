package io.parley.devstack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.client.ClientUpgradeRequest;
import org.eclipse.jetty.websocket.client.WebSocketClient;

/**
 * One device that keeps every frame the server sent, duplicates included, and acknowledges each
 * {@code message} and {@code receipt} by its seq the moment it arrives (again for a duplicate, as
 * the protocol asks). The SDK would hide what a crash test must count: it drops a repeated seq
 * before its listener sees it, so a seq that came back with different content would go unseen.
 */
public final class RecordingClient implements Session.Listener.AutoDemanding {
  final String user;
  /** The device id its token was issued for. */
  final String device;
  private final List<JsonNode> frames = new ArrayList<>();
  private volatile Session session;
  /** The gateway socket address this device last connected to. */
  private volatile URI gateway;
  private volatile int closeCode;
  private final AtomicInteger failedWrites = new AtomicInteger();
  /** When each message id first arrived ({@link System#nanoTime}). */
  private final java.util.concurrent.ConcurrentHashMap<String, Long> firstArrival = new java.util.concurrent.ConcurrentHashMap<>();

  /** Not connected: frames come only through {@link #onWebSocketText} (the ledger's own test). */
  RecordingClient(String user, String device) {
    this.user = user;
    this.device = device;
  }

  /** @param token issued for {@code user} on {@code device} */
  static RecordingClient connect(WebSocketClient client, URI uri, String user, String device, String token) throws Exception {
    RecordingClient c = new RecordingClient(user, device);
    c.open(client, uri, token);
    return c;
  }

  /** {@code user/device}, as the ledger's reports name it. */
  String label() {
    return user + "/" + device;
  }

  private void open(WebSocketClient client, URI uri, String token) throws Exception {
    ClientUpgradeRequest request = new ClientUpgradeRequest(uri);
    request.setHeader("Authorization", "Bearer " + token);
    client.connect(this, request).get(10, TimeUnit.SECONDS);
    gateway = uri;
  }

  URI gateway() {
    return gateway;
  }

  /**
   * The same device on a new socket (at {@code uri}), as a client does whose socket went silent; the
   * old socket is dropped without a goodbye. What was written to the old one is lost with it.
   */
  void reconnect(WebSocketClient client, URI uri, String token) throws Exception {
    Session old = session;
    open(client, uri, token);
    if (old != null) {
      old.disconnect();
    }
  }

  @Override
  public void onWebSocketOpen(Session s) {
    session = s;
  }

  @Override
  public void onWebSocketText(String text) {
    JsonNode frame;
    try {
      frame = WsClient.JSON.readTree(text);
    } catch (Exception e) {
      throw new IllegalStateException("server sent invalid JSON: " + text, e);
    }
    synchronized (frames) {
      frames.add(frame);
    }
    String type = frame.path("type").asText();
    if (type.equals("message")) {
      firstArrival.putIfAbsent(frame.path("id").asText(), System.nanoTime());
    }
    if ((type.equals("message") || type.equals("receipt")) && session != null) {
      write(WsClient.JSON.createObjectNode().put("type", "ack").put("seq", frame.get("seq").asLong()).put("status", "delivered"));
    }
  }

  @Override
  public void onWebSocketClose(int code, String reason) {
    closeCode = code;
  }

  void send(String id, String toKind, String to, String body) {
    ObjectNode frame = WsClient.JSON.createObjectNode().put("type", "send").put("id", id).put("body", body);
    frame.putObject("to").put(toKind, to);
    write(frame);
  }

  /** Asks again for everything after {@code after} that this device has not acknowledged. */
  void sync(long after) {
    write(WsClient.JSON.createObjectNode().put("type", "sync").put("after", after));
  }

  private void write(ObjectNode frame) {
    Session s = session;
    if (s == null || !s.isOpen()) {
      throw new IllegalStateException(user + "'s socket is closed (code " + closeCode + ")");
    }
    // a write to a socket this device has since given up on is not the test's failure
    s.sendText(frame.toString(), Callback.from(() -> { }, failure -> {
      if (s == session) {
        failedWrites.incrementAndGet();
      }
    }));
  }

  /** Every frame received so far, in arrival order. */
  List<JsonNode> frames() {
    synchronized (frames) {
      return List.copyOf(frames);
    }
  }

  List<JsonNode> frames(String type) {
    return frames().stream().filter(f -> type.equals(f.path("type").asText())).toList();
  }

  /** When the message first arrived here ({@link System#nanoTime}), if it did. */
  Long firstArrival(String id) {
    return firstArrival.get(id);
  }

  /** Frames Jetty could not write: a test that sees any did not test what it meant to. */
  int failedWrites() {
    return failedWrites.get();
  }

  boolean isOpen() {
    Session s = session;
    return s != null && s.isOpen();
  }

  void close() {
    Session s = session;
    if (s != null && s.isOpen()) {
      s.close();
    }
  }
}
