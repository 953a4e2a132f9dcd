package io.parley.bench.load;

import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * One step of load at a fixed offered rate: what was sent, what arrived, how long it took, and
 * every way a message can go wrong. Latency histograms are in microseconds.
 *
 * @param deliveriesPerMessage deliveries (and receipts) each message must cause: 1 for 1:1, members − 1
 *     for a group
 * @param offeredDeliveriesPerSecond deliveries per second the messages intended inside the measurement
 *     window ask for (at a few group messages per second, the whole messages in the window, not the
 *     nominal rate)
 * @param delivered deliveries that arrived (up to {@code deliveriesPerMessage} per message)
 * @param deliveredPerSecond deliveries arriving per second inside the measurement window
 * @param lost messages Parley acknowledged as stored ({@code sent}) that never reached the recipient
 * @param unanswered messages with neither {@code sent}, {@code error} nor a delivery
 * @param duplicated messages delivered more than once with different seqs (after the client's
 *     de-duplication by seq)
 * @param redeliveries frames whose seq the socket had already seen (allowed by the protocol; none
 *     are expected when no socket reconnects)
 * @param orderViolations deliverables arriving out of seq order, or a pair's messages out of send order
 * @param cpuMsByPart this JVM's CPU milliseconds per message delivered in the measurement window,
 *     by part (see {@link CpuMeter}); empty when nothing was measured
 */
public record StepResult(
    int step,
    double offeredRate,
    int deliveriesPerMessage,
    double offeredDeliveriesPerSecond,
    int sent,
    int delivered,
    double deliveredPerSecond,
    Histogram deliveryMicros,
    Histogram storedMicros,
    Histogram receiptMicros,
    int lost,
    int unanswered,
    int duplicated,
    int refused,
    int missingReceipts,
    long redeliveries,
    long orderViolations,
    long sendFailures,
    int disconnects,
    Map<String, Long> errors,
    long drainMillis,
    Map<String, Double> cpuMsByPart) {

  /** A step that lost, duplicated or reordered anything, or dropped a socket, makes the benchmark fail. */
  public boolean intact() {
    return lost == 0 && unanswered == 0 && duplicated == 0 && missingReceipts == 0 && redeliveries == 0
        && orderViolations == 0 && sendFailures == 0 && disconnects == 0;
  }

  public long errorCount() {
    return errors.values().stream().mapToLong(Long::longValue).sum();
  }

  /** All of this JVM's CPU milliseconds per delivered message, or NaN. */
  public double cpuMsPerMessage() {
    return cpuMsByPart.getOrDefault(CpuMeter.TOTAL, Double.NaN);
  }

  /** Delivery latency percentile in milliseconds. */
  public double deliveryMs(double percentile) {
    return ms(deliveryMicros, percentile);
  }

  public double storedMs(double percentile) {
    return ms(storedMicros, percentile);
  }

  public double receiptMs(double percentile) {
    return ms(receiptMicros, percentile);
  }

  private static double ms(Histogram h, double percentile) {
    return h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(percentile) / 1000.0;
  }

  /** What went wrong, for an error message; empty when intact. */
  public String faults() {
    StringBuilder b = new StringBuilder();
    append(b, "lost", lost);
    append(b, "unanswered", unanswered);
    append(b, "duplicated", duplicated);
    append(b, "missing receipts", missingReceipts);
    append(b, "redeliveries", redeliveries);
    append(b, "order violations", orderViolations);
    append(b, "send failures", sendFailures);
    append(b, "disconnects", disconnects);
    return b.toString();
  }

  private static void append(StringBuilder b, String what, long n) {
    if (n != 0) {
      b.append(b.length() == 0 ? "" : ", ").append(n).append(' ').append(what);
    }
  }
}
