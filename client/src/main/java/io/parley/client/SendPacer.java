package io.parley.client;

import java.util.Arrays;

/**
 * At most {@code perSecond} sends in any one second: a sliding window over the times of the last
 * sends. The gateway refuses a socket's sends beyond its limit per second ({@code
 * gateway.sends.per.second}, 30 by default) with {@code rate_limited}; a client paced below it is
 * never refused, even when it empties an outbox of hundreds after a reconnect.
 */
final class SendPacer {
  private static final long SECOND = 1_000_000_000L;
  /** When each of the last {@code perSecond} sends went, oldest at {@code next}. */
  private final long[] times;
  private int next;

  SendPacer(int perSecond) {
    if (perSecond < 1) {
      throw new IllegalArgumentException("a client must be allowed at least one send a second, not " + perSecond);
    }
    times = new long[perSecond];
    Arrays.fill(times, Long.MIN_VALUE / 2);
  }

  /**
   * Takes a send at {@code nowNanos} and returns 0, or takes nothing and returns how many
   * nanoseconds remain until a send is allowed.
   */
  synchronized long tryAcquire(long nowNanos) {
    long wait = times[next] + SECOND - nowNanos;
    if (wait > 0) {
      return wait;
    }
    times[next] = nowNanos;
    next = (next + 1) % times.length;
    return 0;
  }
}
