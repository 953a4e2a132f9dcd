package io.parley.sinks.cassandra;

import java.time.Duration;

/**
 * Bounded exponential backoff for writes Cassandra could not take: the delay doubles from
 * {@code initial} to {@code max}; after {@code maxAttempts} consecutive failures the caller gives up.
 */
public final class Backoff {
  private final Duration initial;
  private final Duration max;
  private final int maxAttempts;
  private int failures;

  public Backoff(Duration initial, Duration max, int maxAttempts) {
    if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0 || maxAttempts < 1) {
      throw new IllegalArgumentException("backoff needs 0 < initial <= max and at least one attempt");
    }
    this.initial = initial;
    this.max = max;
    this.maxAttempts = maxAttempts;
  }

  /** Records a failure; true while another attempt is allowed. */
  public boolean failed() {
    failures++;
    return failures <= maxAttempts;
  }

  /** How long to wait before the next attempt, after {@link #failed()}. */
  public Duration delay() {
    int doublings = Math.min(Math.max(failures - 1, 0), 30);
    long millis = initial.toMillis() << doublings;
    return millis <= 0 || millis > max.toMillis() ? max : Duration.ofMillis(millis);
  }

  public int failures() {
    return failures;
  }

  public void succeeded() {
    failures = 0;
  }
}
