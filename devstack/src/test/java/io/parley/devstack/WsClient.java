package io.parley.devstack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.client.ClientUpgradeRequest;
import org.eclipse.jetty.websocket.client.WebSocketClient;

/** A raw protocol client for tests: writes frames as given and records every frame it receives. */
public final class WsClient implements Session.Listener.AutoDemanding {
  static final ObjectMapper JSON = new ObjectMapper();

  private final LinkedBlockingDeque<JsonNode> inbox = new LinkedBlockingDeque<>();
  private final CompletableFuture<Integer> closed = new CompletableFuture<>();
  private volatile Session session;

  public static WsClient connect(WebSocketClient client, URI uri, String token) throws Exception {
    WsClient ws = new WsClient();
    ClientUpgradeRequest request = new ClientUpgradeRequest(uri);
    if (token != null) {
      request.setHeader("Authorization", "Bearer " + token);
    }
    client.connect(ws, request).get(10, TimeUnit.SECONDS);
    return ws;
  }

  @Override
  public void onWebSocketOpen(Session session) {
    this.session = session;
  }

  @Override
  public void onWebSocketText(String message) {
    try {
      inbox.add(JSON.readTree(message));
    } catch (Exception e) {
      throw new IllegalStateException("server sent invalid JSON: " + message, e);
    }
  }

  @Override
  public void onWebSocketError(Throwable cause) {
    closed.complete(-1);
  }

  @Override
  public void onWebSocketClose(int statusCode, String reason) {
    closed.complete(statusCode);
  }

  public void sendRaw(String text) throws Exception {
    CompletableFuture<Void> done = new CompletableFuture<>();
    session.sendText(text, Callback.from(() -> done.complete(null), done::completeExceptionally));
    done.get(10, TimeUnit.SECONDS);
  }

  public void sendBinary(byte[] bytes) throws Exception {
    CompletableFuture<Void> done = new CompletableFuture<>();
    session.sendBinary(ByteBuffer.wrap(bytes), Callback.from(() -> done.complete(null), done::completeExceptionally));
    done.get(10, TimeUnit.SECONDS);
  }

  /** Sends a message to a user and returns its client id. */
  public String send(String to, String body) throws Exception {
    String id = UUID.randomUUID().toString();
    send(id, to, body);
    return id;
  }

  public void send(String id, String to, String body) throws Exception {
    ObjectNode frame = JSON.createObjectNode().put("type", "send").put("id", id).put("body", body);
    frame.putObject("to").put("user", to);
    sendRaw(frame.toString());
  }

  public void ack(long seq, String status) throws Exception {
    sendRaw(JSON.createObjectNode().put("type", "ack").put("seq", seq).put("status", status).toString());
  }

  /** A cumulative ack: this device has every deliverable up to {@code seq} ({@code read}: saw them all). */
  public void ackUpTo(long seq, String status) throws Exception {
    sendRaw(JSON.createObjectNode().put("type", "ack").put("upTo", seq).put("status", status).toString());
  }

  public void sync(long after) throws Exception {
    sendRaw(JSON.createObjectNode().put("type", "sync").put("after", after).toString());
  }

  /** The next received frame matching {@code filter}; frames before it that do not match are kept. */
  public JsonNode next(Predicate<JsonNode> filter, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<JsonNode> skipped = new ArrayList<>();
    try {
      while (true) {
        long left = deadline - System.nanoTime();
        JsonNode frame = left > 0 ? inbox.poll(left, TimeUnit.NANOSECONDS) : null;
        if (frame == null) {
          throw new AssertionError("no matching frame within " + timeout + "; other frames: " + skipped);
        }
        if (filter.test(frame)) {
          return frame;
        }
        skipped.add(frame);
      }
    } finally {
      for (int i = skipped.size() - 1; i >= 0; i--) {
        inbox.addFirst(skipped.get(i));
      }
    }
  }

  public JsonNode next(String type, Duration timeout) throws InterruptedException {
    return next(f -> type.equals(f.path("type").asText()), timeout);
  }

  /** Every frame of this type that arrives within {@code window}. */
  public List<JsonNode> drain(String type, Duration window) throws InterruptedException {
    List<JsonNode> out = new ArrayList<>();
    long deadline = System.nanoTime() + window.toNanos();
    List<JsonNode> others = new ArrayList<>();
    while (true) {
      long left = deadline - System.nanoTime();
      JsonNode frame = left > 0 ? inbox.poll(left, TimeUnit.NANOSECONDS) : null;
      if (frame == null) {
        break;
      }
      (type.equals(frame.path("type").asText()) ? out : others).add(frame);
    }
    others.forEach(inbox::add);
    return out;
  }

  public boolean isOpen() {
    return session != null && session.isOpen() && !closed.isDone();
  }

  public int awaitClose(Duration timeout) throws Exception {
    return closed.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  public void close() {
    if (session != null && session.isOpen()) {
      session.close();
    }
  }
}
