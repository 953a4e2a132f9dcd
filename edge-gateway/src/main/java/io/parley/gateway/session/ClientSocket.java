package io.parley.gateway.session;

import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.parley.auth.Principal;
import io.parley.gateway.events.AppEvents;
import io.parley.gateway.frames.ErrorCode;
import io.parley.gateway.frames.FrameException;
import io.parley.gateway.frames.Inbound;
import io.parley.gateway.frames.OutboundFrames;
import io.parley.model.Conversations;
import io.parley.schemas.Ack;
import io.parley.schemas.Attachment;
import io.parley.schemas.ChatMessage;
import io.parley.schemas.Deliver;
import io.parley.schemas.Envelope;
import io.parley.schemas.GroupMessage;
import io.parley.schemas.Heartbeat;
import io.parley.schemas.MailboxCommand;
import io.parley.schemas.ReceiptStatus;
import io.parley.schemas.SessionClosed;
import io.parley.schemas.SessionOpened;
import io.parley.schemas.Sync;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.StatusCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One device's WebSocket. Reads one frame at a time (Jetty delivers the next only on demand), turns
 * it into a Kafka record whose sender is the token's user, and writes deliveries back. Refused
 * frames get an {@code error} frame; only sustained abuse or a client too slow to read closes it.
 */
public final class ClientSocket implements Session.Listener {
  private static final Logger log = LoggerFactory.getLogger(ClientSocket.class);
  /** Close codes in the private range; docs/protocol.md lists them. */
  public static final int CLOSE_REPLACED = 4001;
  public static final int CLOSE_TOO_SLOW = 4002;
  public static final int CLOSE_ABUSE = 4003;
  public static final int CLOSE_UNAVAILABLE = 4004;

  private final Principal principal;
  private final long cursor;
  private final SocketServices services;
  private final String sessionId = UUID.randomUUID().toString();
  private final AtomicLong queuedBytes = new AtomicLong();
  private final AtomicInteger pendingSends = new AtomicInteger();
  private final AtomicBoolean demandHeld = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile Session session;

  // Touched only by the Jetty thread delivering this socket's frames, one at a time.
  private StringBuilder partial;
  private long partialBytes;
  private boolean oversized;
  private RateLimiter frameLimiter;
  private RateLimiter sendLimiter;
  private long abuseWindowStart;
  private int abuseCount;

  public ClientSocket(Principal principal, long cursor, SocketServices services) {
    this.principal = principal;
    this.cursor = cursor;
    this.services = services;
  }

  public String user() {
    return principal.user();
  }

  public String device() {
    return principal.device();
  }

  public String sessionId() {
    return sessionId;
  }

  // --- lifecycle ---

  @Override
  public void onWebSocketOpen(Session session) {
    this.session = session;
    ClientSocket previous = services.connections().register(this);
    if (previous != null) {
      previous.closeWith(CLOSE_REPLACED, "replaced by a newer connection of this device", "replaced");
    }
    services.metrics().connected();
    long now = System.currentTimeMillis();
    SessionOpened opened = new SessionOpened(device(), services.config().gatewayId(), services.incarnation(), sessionId, cursor, now);
    services.producer().mailbox(user(), new MailboxCommand(opened)).whenComplete((md, error) -> {
      if (error != null) {
        log.warn("cannot open session for {}/{}: {}", user(), device(), error.getMessage());
        closeWith(CLOSE_UNAVAILABLE, "messaging is unavailable; reconnect later", "unavailable");
      }
    });
    record(AppEvents.CONNECTION_OPENED, now);
    session.demand();
  }

  @Override
  public void onWebSocketClose(int statusCode, String reason) {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    services.connections().unregister(this);
    services.connections().queuedBytesCounter().addAndGet(-queuedBytes.getAndSet(0));
    services.metrics().disconnected();
    if (services.crashed().getAsBoolean()) {
      return; // a crashing gateway says nothing; its lease lapses instead
    }
    SessionClosed goodbye = new SessionClosed(device(), sessionId, System.currentTimeMillis());
    services.producer().mailbox(user(), new MailboxCommand(goodbye)).whenComplete((md, error) -> {
      if (error != null) {
        log.debug("session close of {}/{} not recorded; the gateway lease covers it: {}", user(), device(), error.getMessage());
      }
    });
    record(AppEvents.CONNECTION_CLOSED, goodbye.getAt());
  }

  /** Connection events are for last seen and usage counts: one lost to a Kafka outage is logged, not retried. */
  private void record(String event, long at) {
    services.producer().event(services.events().of(user(), device(), event, sessionId, at)).whenComplete((md, error) -> {
      if (error != null) {
        log.debug("{} of {}/{} not recorded: {}", event, user(), device(), error.getMessage());
      }
    });
  }

  @Override
  public void onWebSocketError(Throwable cause) {
    log.debug("socket of {}/{} failed: {}", user(), device(), cause.toString());
  }

  // --- inbound ---

  @Override
  public void onWebSocketPartialText(String payload, boolean fin) {
    try {
      if (!oversized) {
        partialBytes += Utf8.length(payload);
        if (partialBytes > services.config().maxFrameBytes()) {
          oversized = true;
          partial = null;
        } else if (!fin || partial != null) {
          if (partial == null) {
            partial = new StringBuilder(payload.length() * 2);
          }
          partial.append(payload);
        }
      }
      if (fin) {
        String text = partial != null ? partial.toString() : payload;
        boolean tooLarge = oversized;
        partial = null;
        partialBytes = 0;
        oversized = false;
        if (tooLarge) {
          refuse(new FrameException(ErrorCode.TOO_LARGE, "frame larger than " + services.config().maxFrameBytes() + " bytes"));
        } else {
          handle(text);
        }
      }
    } catch (RuntimeException e) {
      log.error("frame from {}/{} failed", user(), device(), e);
      sendError(ErrorCode.INTERNAL, "the gateway could not handle this frame", null);
    } finally {
      demandIfAllowed();
    }
  }

  @Override
  public void onWebSocketPartialBinary(ByteBuffer payload, boolean fin, Callback callback) {
    callback.succeed();
    if (fin) {
      refuse(new FrameException(ErrorCode.BAD_REQUEST, "frames are JSON text; binary frames are not part of the protocol"));
    }
    demandIfAllowed();
  }

  private void handle(String text) {
    Inbound frame;
    try {
      if (!frameLimiter().acquirePermission()) {
        throw new FrameException(ErrorCode.RATE_LIMITED, "too many frames; slow down");
      }
      frame = services.frames().parse(text);
    } catch (FrameException e) {
      refuse(e);
      return;
    }
    services.metrics().frameIn(frame.type());
    if (frame instanceof Inbound.Send send) {
      if (!sendLimiter().acquirePermission()) {
        refuse(new FrameException(ErrorCode.RATE_LIMITED, "too many messages; slow down", send.id()));
        return;
      }
      send(send);
    } else if (frame instanceof Inbound.Ack ack) {
      ReceiptStatus status = ack.read() ? ReceiptStatus.READ : ReceiptStatus.DELIVERED;
      forward(new MailboxCommand(new Ack(device(), ack.seq(), status, System.currentTimeMillis(), ack.upTo())), null);
    } else if (frame instanceof Inbound.Sync sync) {
      forward(new MailboxCommand(new Sync(device(), services.config().gatewayId(), services.incarnation(), sessionId, sync.after())), null);
    } else if (frame instanceof Inbound.Heartbeat) {
      track(services.producer().heartbeat(new Heartbeat(user(), device(), System.currentTimeMillis())), null);
    } else if (frame instanceof Inbound.Event event) {
      track(services.producer().event(services.events().of(user(), device(), event.name(), sessionId, System.currentTimeMillis())), null);
    }
  }

  private void send(Inbound.Send send) {
    long membersVersion;
    try {
      membersVersion = services.sendPolicy().check(principal, send);
    } catch (FrameException e) {
      refuse(e);
      return;
    }
    long at = System.currentTimeMillis();
    List<Attachment> attachments = send.attachments().stream()
        .map(a -> new Attachment(a.asset(), a.mime(), a.size(), a.key(), a.name())).toList();
    ChatMessage.Builder message = ChatMessage.newBuilder()
        .setId(send.id()).setFrom(user()).setFromDevice(device())
        .setBody(send.body()).setSentAt(at).setAttachments(attachments);
    long started = System.nanoTime();
    CompletableFuture<?> stored;
    if (send.toGroup() != null) {
      message.setConversation(Conversations.group(send.toGroup())).setGroup(send.toGroup());
      stored = services.producer().group(send.toGroup(), new GroupMessage(message.build(), membersVersion));
    } else {
      message.setConversation(Conversations.direct(user(), send.toUser()));
      stored = services.producer().mailbox(send.toUser(), new MailboxCommand(new Deliver(new Envelope(message.build()), List.of())));
    }
    track(stored, send.id()).thenRun(() -> {
      services.metrics().sendAcked(System.nanoTime() - started);
      write(OutboundFrames.sent(send.id(), at), "sent");
    });
  }

  /**
   * Tells the mailbox again that this session is alive, as the client's own {@code sync} would,
   * from the device's acknowledged cursor: after a lapsed lease the mailbox may have taken it offline.
   */
  public void resync() {
    if (closed.get()) {
      return;
    }
    forward(new MailboxCommand(new Sync(device(), services.config().gatewayId(), services.incarnation(), sessionId, -1L)), null);
  }

  private void forward(MailboxCommand command, String ref) {
    track(services.producer().mailbox(user(), command), ref);
  }

  /** Counts a pending produce (reading pauses past the limit) and reports its failure to the client. */
  private <T> CompletableFuture<T> track(CompletableFuture<T> produce, String ref) {
    pendingSends.incrementAndGet();
    return produce.whenComplete((ok, error) -> {
      pendingSends.decrementAndGet();
      if (error != null) {
        log.warn("produce for {}/{} failed: {}", user(), device(), error.getMessage());
        sendError(ErrorCode.UNAVAILABLE, "not stored; send it again", ref);
      }
      if (demandHeld.compareAndSet(true, false)) {
        demandIfAllowed();
      }
    });
  }

  private void demandIfAllowed() {
    if (closed.get()) {
      return;
    }
    if (pendingSends.get() < services.config().maxPendingSends()) {
      session.demand();
    } else {
      demandHeld.set(true);
      // The last pending produce may have finished between the check and the flag.
      if (pendingSends.get() < services.config().maxPendingSends() && demandHeld.compareAndSet(true, false)) {
        session.demand();
      }
    }
  }

  private RateLimiter frameLimiter() {
    if (frameLimiter == null) {
      frameLimiter = perSecond(services.config().framesPerSecond());
    }
    return frameLimiter;
  }

  private RateLimiter sendLimiter() {
    if (sendLimiter == null) {
      sendLimiter = perSecond(services.config().sendsPerSecond());
    }
    return sendLimiter;
  }

  private static RateLimiter perSecond(int permits) {
    return RateLimiter.of("socket", RateLimiterConfig.custom()
        .limitForPeriod(permits)
        .limitRefreshPeriod(Duration.ofSeconds(1))
        .timeoutDuration(Duration.ZERO)
        .build());
  }

  private void refuse(FrameException e) {
    sendError(e.code(), e.getMessage(), e.ref());
    long now = System.currentTimeMillis();
    if (now - abuseWindowStart > services.config().abuseWindow().toMillis()) {
      abuseWindowStart = now;
      abuseCount = 0;
    }
    if (++abuseCount > services.config().abuseErrors()) {
      closeWith(CLOSE_ABUSE, "too many refused frames", "abuse");
    }
  }

  // --- outbound ---

  private void sendError(ErrorCode code, String message, String ref) {
    services.metrics().error(code.wire());
    write(OutboundFrames.error(code, message, ref), "error");
  }

  /**
   * Queues a frame to the client. A client that lets more than the per-socket limit pile up is too
   * slow to serve: it is disconnected and resumes from its cursor when it reconnects.
   */
  public void write(String frame, String type) {
    Session s = session;
    if (s == null || closed.get() || !s.isOpen()) {
      return;
    }
    long size = frame.length();
    if (queuedBytes.addAndGet(size) > services.config().maxQueuedBytesPerSocket()) {
      queuedBytes.addAndGet(-size);
      closeWith(CLOSE_TOO_SLOW, "client is not reading; reconnect to resume", "too_slow");
      return;
    }
    AtomicLong total = services.connections().queuedBytesCounter();
    total.addAndGet(size);
    services.metrics().frameOut(type);
    s.sendText(frame, Callback.from(() -> release(size), error -> release(size)));
  }

  private void release(long size) {
    if (!closed.get()) {
      queuedBytes.addAndGet(-size);
      services.connections().queuedBytesCounter().addAndGet(-size);
    }
  }

  /** Closes the socket from the gateway side with a code the client can act on. */
  public void closeWith(int code, String reason, String metricReason) {
    Session s = session;
    if (s != null && s.isOpen()) {
      services.metrics().closedByGateway(metricReason);
      s.close(code, reason, Callback.NOOP);
    }
  }

  public void goingAway() {
    closeWith(StatusCode.SHUTDOWN, "gateway shutting down; reconnect", "shutdown");
  }
}
