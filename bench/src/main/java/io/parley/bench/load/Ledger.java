package io.parley.bench.load;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * Everything one step sent and what became of each message: stored ({@code sent}), refused
 * ({@code error}), delivered, receipted. Latencies are measured from each message's intended send
 * time, not the moment it actually left, so a stalled system cannot hide its stall from the numbers
 * (coordinated omission). Only messages intended inside the measurement window are recorded.
 */
final class Ledger {
  private static final long MAX_MICROS = 600_000_000L;

  final int step;
  private final int deliveriesPerMessage;
  private final int receiptsPerMessage;
  private final AtomicLongArray intended;
  private final AtomicIntegerArray stored;
  private final AtomicIntegerArray refused;
  private final AtomicIntegerArray delivered;
  private final AtomicIntegerArray receipts;
  private final long windowFrom;
  private final long windowTo;
  private final ConcurrentHistogram deliveryMicros = histogram();
  private final ConcurrentHistogram storedMicros = histogram();
  private final ConcurrentHistogram receiptMicros = histogram();
  private final LongAdder deliveredInWindow = new LongAdder();
  private final LongAdder redeliveries = new LongAdder();
  private final LongAdder orderViolations = new LongAdder();
  private final LongAdder late = new LongAdder();
  private final LongAdder sendFailures = new LongAdder();
  private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
  private volatile int sent;

  Ledger(int step, int capacity, int deliveriesPerMessage, int receiptsPerMessage, long windowFrom, long windowTo) {
    this.step = step;
    this.deliveriesPerMessage = deliveriesPerMessage;
    this.receiptsPerMessage = receiptsPerMessage;
    this.intended = new AtomicLongArray(capacity);
    this.stored = new AtomicIntegerArray(capacity);
    this.refused = new AtomicIntegerArray(capacity);
    this.delivered = new AtomicIntegerArray(capacity);
    this.receipts = new AtomicIntegerArray(capacity);
    this.windowFrom = windowFrom;
    this.windowTo = windowTo;
  }

  private static ConcurrentHistogram histogram() {
    return new ConcurrentHistogram(MAX_MICROS, 3);
  }

  int capacity() {
    return intended.length();
  }

  /** Called by the one sending thread, in order, before message {@code n} leaves. */
  void intend(int n, long intendedNanos) {
    intended.set(n, intendedNanos);
    sent = n + 1;
  }

  int sent() {
    return sent;
  }

  private boolean inWindow(int n) {
    long t = intended.get(n);
    return t >= windowFrom && t < windowTo;
  }

  /** Resolves an id to this step's index, or -1 (another step's message, counted as late). */
  private int indexOf(String id) {
    int n = MessageIds.step(id) == step ? MessageIds.index(id) : -1;
    if (n < 0 || n >= sent) {
      late.increment();
      return -1;
    }
    return n;
  }

  void stored(String id, long now) {
    int n = indexOf(id);
    if (n >= 0 && stored.getAndIncrement(n) == 0 && inWindow(n)) {
      storedMicros.recordValue(micros(now - intended.get(n)));
    }
  }

  /** A {@code message} frame arrived (after client de-duplication by seq). */
  void delivered(String id, long now) {
    int n = indexOf(id);
    if (n < 0) {
      return;
    }
    delivered.incrementAndGet(n);
    if (inWindow(n)) {
      deliveryMicros.recordValue(micros(now - intended.get(n)));
    }
    if (now >= windowFrom && now < windowTo) {
      deliveredInWindow.increment();
    }
  }

  void receipt(String id, long now) {
    int n = indexOf(id);
    if (n >= 0 && receipts.getAndIncrement(n) == 0 && inWindow(n)) {
      receiptMicros.recordValue(micros(now - intended.get(n)));
    }
  }

  void error(String code, String ref) {
    errors.computeIfAbsent(code == null ? "unknown" : code, c -> new LongAdder()).increment();
    int n = ref == null ? -1 : indexOf(ref);
    if (n >= 0) {
      refused.incrementAndGet(n);
    }
  }

  void redelivery() {
    redeliveries.increment();
  }

  void orderViolation() {
    orderViolations.increment();
  }

  void sendFailed() {
    sendFailures.increment();
  }

  /** Messages still waiting for their {@code sent}, their deliveries or their receipt. */
  int outstanding() {
    int open = 0;
    int count = sent;
    for (int n = 0; n < count; n++) {
      if (refused.get(n) > 0) {
        continue;
      }
      if (stored.get(n) == 0 || delivered.get(n) < deliveriesPerMessage || receipts.get(n) < receiptsPerMessage) {
        open++;
      }
    }
    return open;
  }

  StepResult result(double offeredRate, double measureSeconds, long drainMillis, int disconnects, Map<String, Long> cpuFrom,
      Map<String, Long> cpuTo) {
    int count = sent;
    int lost = 0;
    int unanswered = 0;
    int duplicated = 0;
    int refusedCount = 0;
    int missingReceipts = 0;
    int deliveredCount = 0;
    int intendedInWindow = 0;
    for (int n = 0; n < count; n++) {
      if (inWindow(n)) {
        intendedInWindow++;
      }
      int d = delivered.get(n);
      deliveredCount += Math.min(d, deliveriesPerMessage);
      if (d > deliveriesPerMessage) {
        duplicated++;
      }
      if (refused.get(n) > 0) {
        refusedCount++;
        continue;
      }
      if (d < deliveriesPerMessage) {
        if (stored.get(n) > 0) {
          lost++;
        } else {
          unanswered++;
        }
      } else if (receipts.get(n) < receiptsPerMessage) {
        missingReceipts++;
      }
    }
    Map<String, Long> errorCounts = new TreeMap<>();
    errors.forEach((code, adder) -> errorCounts.put(code, adder.sum()));
    double offeredDeliveries = measureSeconds > 0 ? intendedInWindow * (double) deliveriesPerMessage / measureSeconds
        : offeredRate * deliveriesPerMessage;
    return new StepResult(step, offeredRate, deliveriesPerMessage, offeredDeliveries, count, deliveredCount,
        measureSeconds > 0 ? deliveredInWindow.sum() / measureSeconds : 0,
        copy(deliveryMicros), copy(storedMicros), copy(receiptMicros),
        lost, unanswered, duplicated, refusedCount, missingReceipts, redeliveries.sum(), orderViolations.sum(),
        sendFailures.sum(), disconnects, errorCounts, drainMillis, CpuMeter.perMessage(cpuFrom, cpuTo, deliveredInWindow.sum()));
  }

  private static Histogram copy(ConcurrentHistogram h) {
    Histogram out = new Histogram(MAX_MICROS, 3);
    out.add(h);
    return out;
  }

  private static long micros(long nanos) {
    return Math.max(0, Math.min(MAX_MICROS, nanos / 1_000));
  }
}
