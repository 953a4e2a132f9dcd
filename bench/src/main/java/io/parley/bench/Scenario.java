package io.parley.bench;

import java.util.Locale;

/** What {@code ./parley bench [scenario]} runs. */
public enum Scenario {
  /** Baseline, (a)+(b) on exactly_once_v2, (d) at_least_once, (c) idle sockets. */
  ALL(true, true, true, true),
  BASELINE(true, false, false, false),
  /** Baseline, (a) the rate search and (b) latency at half the maximum. */
  THROUGHPUT(true, true, false, false),
  /** Baseline and (b) only, at {@code --rate} (or half the maximum found by a search first). */
  LATENCY(true, true, false, false),
  /** Baseline, then (a)+(b) for exactly_once_v2 and at_least_once. */
  GUARANTEE(true, true, true, false),
  IDLE(false, false, false, true),
  /** Everything, seconds long and tiny, to prove the harness works; the numbers mean nothing. */
  SMOKE(true, true, true, true);

  final boolean baseline;
  final boolean exactlyOnce;
  final boolean atLeastOnce;
  final boolean idle;

  Scenario(boolean baseline, boolean exactlyOnce, boolean atLeastOnce, boolean idle) {
    this.baseline = baseline;
    this.exactlyOnce = exactlyOnce;
    this.atLeastOnce = atLeastOnce;
    this.idle = idle;
  }

  public String cliName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
