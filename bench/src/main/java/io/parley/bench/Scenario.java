package io.parley.bench;

import java.util.Locale;

/** What {@code ./parley bench [scenario]} runs. */
public enum Scenario {
  /** Baseline, (a)+(b) on exactly_once_v2, (d) at_least_once, (e) groups, history on/off, (c) idle sockets. */
  ALL(true, true, true, true, true, true),
  BASELINE(true, false, false, false, false, false),
  /** Baseline, (a) the rate search and (b) latency at half the maximum. */
  THROUGHPUT(true, true, false, false, false, false),
  /** Baseline and (b) only, at {@code --rate} (or half the maximum found by a search first). */
  LATENCY(true, true, false, false, false, false),
  /** Baseline, then (a)+(b) for exactly_once_v2 and at_least_once. */
  GUARANTEE(true, true, true, false, false, false),
  /** Baseline, (a)+(b), then (e) the 100-member group fan-out search, reported against (a). */
  GROUPS(true, true, false, false, true, false),
  /** (a)-style searches with and without the Cassandra history sink, on one Cassandra node. */
  HISTORY(false, false, false, false, false, true),
  IDLE(false, false, false, true, false, false),
  /** The idle local stack: {@code ./parley up} with nobody connected, its CPU per process and thread. */
  UP(false, false, false, false, false, false),
  /** Everything but history, seconds long and tiny, to prove the harness works; the numbers mean nothing. */
  SMOKE(true, true, true, true, true, false);

  final boolean baseline;
  final boolean exactlyOnce;
  final boolean atLeastOnce;
  final boolean idle;
  final boolean groups;
  final boolean history;

  Scenario(boolean baseline, boolean exactlyOnce, boolean atLeastOnce, boolean idle, boolean groups, boolean history) {
    this.baseline = baseline;
    this.exactlyOnce = exactlyOnce;
    this.atLeastOnce = atLeastOnce;
    this.idle = idle;
    this.groups = groups;
    this.history = history;
  }

  public String cliName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
