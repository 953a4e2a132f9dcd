package io.parley.bench.load;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One user's socket, behaving like a lean real client: it acks cumulatively ({@code upTo}, as
 * docs/protocol.md recommends): at once when a message arrives, and for receipts at most
 * {@link #RECEIPT_ACK_DELAY_MS} later unless a message's ack covers them first. It de-duplicates
 * by seq and checks that seqs arrive in order. What it sees goes into the current step's ledger.
 */
public final class BenchSocket implements Session.Listener.AutoDemanding {
  private static final Logger log = LoggerFactory.getLogger(BenchSocket.class);

  /** How long a receipt's ack may wait to be folded into the next one (the flusher's period). */
  static final long RECEIPT_ACK_DELAY_MS = 100;

  private final Supplier<Ledger> ledger;
  private final Runnable onUnexpectedClose;
  private volatile Session session;
  private volatile boolean closing;
  // Written only by the thread Jetty delivers this socket's frames on, one frame at a time; the
  // receipt-ack flusher reads it.
  private volatile long lastSeq;
  private final AtomicBoolean receiptAckDue = new AtomicBoolean();
  private final SendOrder sendOrder = new SendOrder();

  BenchSocket(Supplier<Ledger> ledger, Runnable onUnexpectedClose) {
    this.ledger = ledger;
    this.onUnexpectedClose = onUnexpectedClose;
  }

  @Override
  public void onWebSocketOpen(Session session) {
    this.session = session;
  }

  @Override
  public void onWebSocketText(String text) {
    long now = System.nanoTime();
    Frames.Inbound frame = Frames.parse(text);
    Ledger current = ledger.get();
    switch (frame.type()) {
      case "message" -> {
        boolean fresh = newSeq(frame.seq(), current);
        receiptAckDue.set(false);
        send(Frames.ackUpTo(lastSeq), current);
        if (fresh) {
          if (!sendOrder.accept(frame.from(), frame.id())) {
            current.orderViolation();
          }
          current.delivered(frame.id(), now);
        }
      }
      case "receipt" -> {
        boolean fresh = newSeq(frame.seq(), current);
        receiptAckDue.set(true);
        if (fresh) {
          current.receipt(frame.id(), now);
        }
      }
      case "sent" -> current.stored(frame.id(), now);
      case "error" -> current.error(frame.code(), frame.ref());
      default -> log.debug("ignoring frame {}", text);
    }
  }

  /** De-duplication by seq, as the protocol asks of clients; a gap or a step back is a fault here. */
  private boolean newSeq(long seq, Ledger current) {
    if (seq <= lastSeq) {
      current.redelivery();
      return false;
    }
    if (seq != lastSeq + 1) {
      current.orderViolation();
    }
    lastSeq = seq;
    return true;
  }

  /** Acks receipts that no message's ack covered since they arrived. */
  void flushReceiptAcks(Ledger current) {
    if (receiptAckDue.getAndSet(false)) {
      send(Frames.ackUpTo(lastSeq), current);
    }
  }

  void send(String frame, Ledger current) {
    Session s = session;
    if (s == null || !s.isOpen()) {
      current.sendFailed();
      return;
    }
    s.sendText(frame, Callback.from(() -> { }, error -> current.sendFailed()));
  }

  @Override
  public void onWebSocketClose(int statusCode, String reason) {
    if (!closing) {
      log.warn("socket closed by the server: {} {}", statusCode, reason);
      onUnexpectedClose.run();
    }
  }

  @Override
  public void onWebSocketError(Throwable cause) {
    if (!closing) {
      log.warn("socket failed: {}", cause.toString());
    }
  }

  void close() {
    closing = true;
    Session s = session;
    if (s != null && s.isOpen()) {
      s.close();
    }
  }
}
