package io.parley.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.parley.client.media.Attachment;
import java.net.URI;
import java.nio.ByteBuffer;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.client.ClientUpgradeRequest;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Parley client for one device: a WebSocket that reconnects by itself, a durable outbox (a
 * message is kept until the server says {@code sent}, and resent until then), acknowledgement of
 * everything received, de-duplication by seq, and the heartbeats and periodic syncs the protocol
 * asks for.
 *
 * <p>A server that hangs leaves its sockets open, so a socket going quiet is not noticed by TCP for
 * minutes. With every heartbeat the client also sends a WebSocket ping, which the gateway answers
 * with a pong however idle the conversation; a socket from which nothing (frame or pong) has come
 * for {@link #DEFAULT_SILENCE} is given up and a new one opened, to whichever gateway the address
 * now leads to. Messages routed to the silent socket are not lost: nothing counts as delivered until
 * this device acks it, and the new socket resumes from the cursor.
 */
public final class ParleyClient implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ParleyClient.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Refusals that resending cannot fix: the message leaves the outbox. */
  private static final Set<String> PERMANENT = Set.of("bad_request", "too_large", "unknown_recipient", "not_member", "unknown_asset");
  /**
   * The protocol's frame limit. The gateway refuses a larger frame without a {@code ref} (it does not
   * read it), so the client must not send one: it would stay in the outbox and be refused forever.
   */
  public static final int MAX_FRAME_BYTES = 64 * 1024;
  /** The protocol's body limit, in UTF-16 characters as Java and JavaScript count them. */
  public static final int MAX_BODY_CHARS = 16_384;
  /** Close code: this device connected again elsewhere, or signed out. The socket is stale: do not reconnect. */
  public static final int CLOSE_REPLACED = 4001;
  /** Given up on a socket with no frame and no pong for this long (three heartbeats). */
  public static final Duration DEFAULT_SILENCE = Duration.ofSeconds(15);
  private static final ByteBuffer PING = ByteBuffer.allocate(0);
  /**
   * Sends a second this client writes at most unless {@link #sendRate} says otherwise: under the
   * gateway's default limit of 30 per socket, which refuses the rest with {@code rate_limited}.
   */
  public static final int DEFAULT_SENDS_PER_SECOND = 20;
  /** A message written on the current socket is written again if its {@code sent} has not come after this long. */
  static final long RESEND_AFTER_MS = 10_000;

  private final URI webSocket;
  private final String token;
  private final Outbox outbox;
  private final Incoming listener;
  private final WebSocketClient ws = new WebSocketClient();
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "parley-client");
    t.setDaemon(true);
    return t;
  });
  private final TreeSet<Long> above = new TreeSet<>();
  private volatile Session session;
  private volatile boolean closed;
  private volatile boolean replaced;
  private long cursor;
  private long backoffMillis = 250;
  private volatile long heartbeatMillis = 5_000;
  private volatile long silenceMillis = DEFAULT_SILENCE.toMillis();
  /** The socket of the current connection; events of an abandoned one are ignored. */
  private volatile Socket current;
  private volatile long lastHeardNanos = System.nanoTime();
  /** How long a receipt's ack may wait to be folded into the next one. */
  static final long RECEIPT_ACK_DELAY_MS = 100;
  private boolean receiptAckScheduled;
  private volatile SendPacer pacer = new SendPacer(DEFAULT_SENDS_PER_SECOND);
  /** Outbox ids written on the current socket, and when (epoch ms); cleared for every new socket. */
  private final Map<String, Long> written = new HashMap<>();
  private boolean drainScheduled;

  /**
   * @param webSocket the gateway's socket address, e.g. {@code ws://127.0.0.1:8080/v1/ws}
   */
  public ParleyClient(URI webSocket, String token, Outbox outbox, Incoming listener) throws SQLException {
    this.webSocket = webSocket;
    this.token = token;
    this.outbox = outbox;
    this.listener = listener;
    this.cursor = outbox.cursor();
  }

  /**
   * How often to send a heartbeat and a ping, and how long a socket may stay silent before it is
   * given up (defaults 5 s and {@link #DEFAULT_SILENCE}); call before {@link #start}.
   */
  public ParleyClient liveness(Duration heartbeat, Duration silence) {
    if (heartbeat.isZero() || heartbeat.isNegative() || silence.compareTo(heartbeat) <= 0) {
      throw new IllegalArgumentException("the silence allowed must be longer than the heartbeat");
    }
    this.heartbeatMillis = heartbeat.toMillis();
    this.silenceMillis = silence.toMillis();
    return this;
  }

  /**
   * At most {@code perSecond} sends in any one second (default {@link #DEFAULT_SENDS_PER_SECOND}):
   * what does not fit waits in the outbox and goes out as the second allows, in the outbox's order.
   * Keep it under the gateway's {@code gateway.sends.per.second}. Call before {@link #start}.
   */
  public ParleyClient sendRate(int perSecond) {
    this.pacer = new SendPacer(perSecond);
    return this;
  }

  public void start() throws Exception {
    ws.start();
    timer.scheduleAtFixedRate(this::heartbeat, heartbeatMillis, heartbeatMillis, TimeUnit.MILLISECONDS);
    timer.scheduleAtFixedRate(this::drainOutbox, 10, 10, TimeUnit.SECONDS);
    timer.scheduleAtFixedRate(this::periodicSync, 60, 60, TimeUnit.SECONDS);
    timer.execute(this::connect);
  }

  /** Puts a message in the outbox and sends it; returns its client id. */
  public String send(String toUser, String body) throws SQLException {
    return enqueue("user", toUser, body, List.of());
  }

  public String sendToGroup(String group, String body) throws SQLException {
    return enqueue("group", group, body, List.of());
  }

  /**
   * Sends a message carrying already-uploaded media (see {@link io.parley.client.media.MediaClient});
   * {@code group} false addresses a user.
   */
  public String send(String to, boolean group, String body, List<Attachment> attachments) throws SQLException {
    return enqueue(group ? "group" : "user", to, body, attachments);
  }

  /**
   * @throws IllegalArgumentException when the message is over the protocol's limits ({@link
   *     #MAX_BODY_CHARS}, {@link #MAX_FRAME_BYTES}): it never enters the outbox
   */
  private String enqueue(String kind, String to, String body, List<Attachment> attachments) throws SQLException {
    String attached = null;
    if (!attachments.isEmpty()) {
      ArrayNode array = JSON.createArrayNode();
      attachments.forEach(a -> array.add(a.toJson()));
      attached = array.toString();
    }
    Outbox.Pending p = new Outbox.Pending(UUID.randomUUID().toString(), kind, to, body, System.currentTimeMillis(), attached);
    String frame = sendFrame(p);
    String tooLarge = tooLarge(p.body(), frame);
    if (tooLarge != null) {
      throw new IllegalArgumentException(tooLarge);
    }
    outbox.add(p);
    drainOutbox();
    return p.id();
  }

  /** Why a message cannot be sent as it is, or null when it fits the protocol's limits. */
  private static String tooLarge(String body, String frame) {
    if (body.length() > MAX_BODY_CHARS) {
      return "body of " + body.length() + " characters is over the limit of " + MAX_BODY_CHARS;
    }
    int bytes = frame.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    if (bytes > MAX_FRAME_BYTES) {
      return "frame of " + bytes + " bytes is over the limit of " + MAX_FRAME_BYTES;
    }
    return null;
  }

  /** Whether an {@code error} code means the message it names was dropped from the outbox for good. */
  public static boolean isPermanent(String code) {
    return PERMANENT.contains(code);
  }

  /** Tells the sender this user saw the deliverable {@code seq}. */
  public void markRead(long seq) {
    write(JSON.createObjectNode().put("type", "ack").put("seq", seq).put("status", "read").toString());
  }

  /** Tells the senders this user saw every message up to {@code seq}: one frame for all of them. */
  public void markReadUpTo(long seq) {
    write(JSON.createObjectNode().put("type", "ack").put("upTo", seq).put("status", "read").toString());
  }

  public boolean connected() {
    Session s = session;
    return s != null && s.isOpen();
  }

  /** True once the server closed this device's socket with {@link #CLOSE_REPLACED}: the client no longer reconnects. */
  public boolean replaced() {
    return replaced;
  }

  public synchronized long cursor() {
    return cursor;
  }

  // --- connection ---

  private void connect() {
    if (closed || replaced) {
      return;
    }
    try {
      ClientUpgradeRequest request = new ClientUpgradeRequest(URI.create(webSocket + "?cursor=" + cursor()));
      request.setHeader("Authorization", "Bearer " + token);
      Socket socket = new Socket();
      current = socket;
      ws.connect(socket, request).whenComplete((s, error) -> {
        if (error != null) {
          log.debug("cannot connect to {}: {}", webSocket, error.toString());
          reconnectLater();
        }
      });
    } catch (Exception e) {
      reconnectLater();
    }
  }

  private void reconnectLater() {
    if (closed || replaced) {
      return;
    }
    long delay = backoffMillis;
    backoffMillis = Math.min(backoffMillis * 2, 10_000);
    timer.schedule(this::connect, delay, TimeUnit.MILLISECONDS);
  }

  /** Jetty needs a public listener class. */
  public final class Socket implements Session.Listener.AutoDemanding {
    @Override
    public void onWebSocketOpen(Session s) {
      if (this != current) {
        s.disconnect();
        return;
      }
      lastHeardNanos = System.nanoTime();
      session = s;
      backoffMillis = 250;
      synchronized (ParleyClient.this) {
        written.clear();
      }
      listener.connected();
      timer.execute(ParleyClient.this::drainOutbox);
    }

    @Override
    public void onWebSocketText(String text) {
      if (this != current) {
        return;
      }
      lastHeardNanos = System.nanoTime();
      try {
        handle(JSON.readTree(text));
      } catch (Exception e) {
        log.warn("cannot handle a frame from the server: {}", e.toString());
      }
    }

    @Override
    public void onWebSocketPong(ByteBuffer payload) {
      if (this == current) {
        lastHeardNanos = System.nanoTime();
      }
    }

    @Override
    public void onWebSocketClose(int code, String reason) {
      if (this != current) {
        return; // a socket this client gave up on
      }
      session = null;
      if (code == CLOSE_REPLACED) {
        // Reconnecting would close the other connection of this device, which would reconnect in turn.
        replaced = true;
      }
      listener.disconnected(code, reason);
      if (!replaced) {
        reconnectLater();
      }
    }

    @Override
    public void onWebSocketError(Throwable cause) {
      log.debug("socket error: {}", cause.toString());
    }
  }

  // --- frames ---

  private void handle(JsonNode f) throws SQLException {
    switch (f.path("type").asText()) {
      case "message" -> {
        if (accept(f.get("seq").asLong(), true)) {
          listener.message(f.get("seq").asLong(), f.get("id").asText(), f.get("from").asText(),
              f.get("conversation").asText(), f.get("body").asText(), f.get("at").asLong(), f);
        }
      }
      case "receipt" -> {
        if (accept(f.get("seq").asLong(), false)) {
          listener.receipt(f.get("seq").asLong(), f.get("id").asText(), f.get("by").asText(), f.get("status").asText(), f.get("at").asLong());
        }
      }
      case "sent" -> {
        synchronized (this) {
          outbox.remove(f.get("id").asText());
          written.remove(f.get("id").asText());
        }
        listener.sent(f.get("id").asText(), f.get("at").asLong());
      }
      case "error" -> {
        String ref = f.path("ref").isTextual() ? f.get("ref").asText() : null;
        String code = f.path("code").asText();
        if (ref != null && PERMANENT.contains(code)) {
          synchronized (this) {
            outbox.remove(ref);
            written.remove(ref);
          }
        } else if (ref != null && "rate_limited".equals(code)) {
          // nothing for the user to do: in the outbox, it is written again; already sent, this was a second copy
          retryLater(ref);
          return;
        }
        listener.error(code, f.path("message").asText(), ref);
      }
      default -> log.debug("ignoring frame type {}", f.path("type").asText());
    }
  }

  /**
   * Acks a deliverable and says whether it is new to this device. Acks are cumulative ({@code upTo}
   * the contiguous cursor): at once for a message, since its sender waits for the tick; for a
   * receipt up to {@link #RECEIPT_ACK_DELAY_MS} later, unless a message's ack covers it first.
   * A deliverable above a gap is acked by its own seq.
   */
  private synchronized boolean accept(long seq, boolean message) throws SQLException {
    boolean fresh = seq > cursor && !above.contains(seq);
    if (fresh) {
      above.add(seq);
      while (above.remove(cursor + 1)) {
        cursor++;
      }
      outbox.setCursor(cursor);
    }
    if (seq > cursor) {
      write(JSON.createObjectNode().put("type", "ack").put("seq", seq).put("status", "delivered").toString());
    } else if (message) {
      ackUpToCursor();
    } else if (!receiptAckScheduled) {
      receiptAckScheduled = true;
      timer.schedule(this::ackReceipts, RECEIPT_ACK_DELAY_MS, TimeUnit.MILLISECONDS);
    }
    return fresh;
  }

  private synchronized void ackReceipts() {
    if (receiptAckScheduled) {
      ackUpToCursor();
    }
  }

  private synchronized void ackUpToCursor() {
    receiptAckScheduled = false;
    write(JSON.createObjectNode().put("type", "ack").put("upTo", cursor).put("status", "delivered").toString());
  }

  /**
   * Writes what waits in the outbox for {@code sent}, oldest first, as fast as the pacer allows:
   * each message not yet written on this socket, or written more than {@link #RESEND_AFTER_MS} ago
   * (the gateway takes a message again under the same id without a second copy). When the pacer
   * says wait, the rest goes when it allows. A message over the limits (kept by an older client)
   * would be refused at every try without a {@code ref}: it leaves the outbox with a {@code
   * too_large} error instead.
   */
  private synchronized void drainOutbox() {
    Session s = session;
    if (s == null || !s.isOpen()) {
      return;
    }
    long now = System.currentTimeMillis();
    try {
      for (Outbox.Pending p : outbox.pending()) {
        Long at = written.get(p.id());
        if (at != null && now - at < RESEND_AFTER_MS) {
          continue;
        }
        String frame = sendFrame(p);
        String tooLarge = tooLarge(p.body(), frame);
        if (tooLarge != null) {
          outbox.remove(p.id());
          listener.error("too_large", tooLarge + "; not sent, removed from the outbox", p.id());
          continue;
        }
        long wait = pacer.tryAcquire(System.nanoTime());
        if (wait > 0) {
          drainIn(wait);
          return;
        }
        written.put(p.id(), now);
        s.sendText(frame, Callback.NOOP);
      }
    } catch (SQLException e) {
      log.warn("cannot read the outbox: {}", e.getMessage());
    }
  }

  private synchronized void drainIn(long nanos) {
    if (!drainScheduled && !closed) {
      drainScheduled = true;
      timer.schedule(() -> {
        synchronized (this) {
          drainScheduled = false;
        }
        drainOutbox();
      }, nanos, TimeUnit.NANOSECONDS);
    }
  }

  /** A refused send still in the outbox is written again in a second. */
  private synchronized void retryLater(String id) throws SQLException {
    written.remove(id);
    if (outbox.pending().stream().anyMatch(p -> p.id().equals(id))) {
      drainIn(TimeUnit.SECONDS.toNanos(1));
    }
  }

  private void heartbeat() {
    Session s = session;
    if (s == null || !s.isOpen()) {
      return;
    }
    if (System.nanoTime() - lastHeardNanos > TimeUnit.MILLISECONDS.toNanos(silenceMillis)) {
      giveUp(s);
      return;
    }
    write("{\"type\":\"heartbeat\"}");
    s.sendPing(PING.duplicate(), Callback.NOOP);
  }

  /** The server has been silent too long: drop the socket without a goodbye and open another. */
  private void giveUp(Session s) {
    log.info("no answer from {} for {} ms: connecting again", webSocket, silenceMillis);
    current = null;
    session = null;
    s.disconnect();
    listener.disconnected(1006, "no answer from the server for " + silenceMillis / 1000 + " s");
    reconnectLater();
  }

  private void periodicSync() {
    write(JSON.createObjectNode().put("type", "sync").put("after", cursor()).toString());
  }

  private static String sendFrame(Outbox.Pending p) {
    ObjectNode frame = JSON.createObjectNode().put("type", "send").put("id", p.id()).put("body", p.body());
    frame.putObject("to").put(p.toKind(), p.to());
    if (p.attachments() != null) {
      try {
        frame.set("attachments", JSON.readTree(p.attachments()));
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new IllegalStateException("the outbox holds attachments that are not JSON: " + p.id(), e);
      }
    }
    return frame.toString();
  }

  private void write(String frame) {
    Session s = session;
    if (s != null && s.isOpen()) {
      s.sendText(frame, Callback.NOOP);
    }
  }

  @Override
  public void close() throws Exception {
    closed = true;
    timer.shutdownNow();
    Session s = session;
    if (s != null) {
      s.close();
    }
    ws.stop();
  }

  public static URI webSocketOf(URI server) {
    String scheme = "https".equals(server.getScheme()) ? "wss" : "ws";
    return URI.create(scheme + "://" + server.getRawAuthority() + "/v1/ws");
  }
}
