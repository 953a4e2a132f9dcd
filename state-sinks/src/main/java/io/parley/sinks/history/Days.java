package io.parley.sinks.history;

import java.time.LocalDate;

/** History partitions are per conversation and UTC day. */
public final class Days {
  private static final long MILLIS_PER_DAY = 86_400_000L;

  private Days() {}

  public static LocalDate of(long epochMillis) {
    return LocalDate.ofEpochDay(Math.floorDiv(epochMillis, MILLIS_PER_DAY));
  }
}
