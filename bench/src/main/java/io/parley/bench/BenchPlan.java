package io.parley.bench;

import io.parley.bench.scenario.RateSearch;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How big and how long a run is.
 *
 * @param latencyRate the rate of scenario (b); 0 means half the maximum the search found
 * @param settle unmeasured load at half the first search rate on every fresh instance, after the priming
 *     messages and before the first step: a cold JVM, cold RocksDB and Streams caches otherwise fail the
 *     first step and cut the search short
 * @param jvmWarmup unmeasured 1:1 load on a throwaway instance before anything is measured, half at
 *     half the first search rate and half at that rate: the broker, topology and gateway share this
 *     JVM, and until C2 has compiled their hot paths the first instance measured pays for the JIT
 * @param groups how many groups scenario (e) runs, each of {@code groupMembers} users with one socket
 */
public record BenchPlan(
    int users,
    int bodyBytes,
    RateSearch.Plan search,
    Duration latencyMeasure,
    double latencyRate,
    int baselineRecords,
    int latencyRecords,
    List<Integer> idleLevels,
    Duration settle,
    Duration jvmWarmup,
    int groups,
    int groupMembers) {

  /** The full run whose figures go into docs/benchmarks.md. */
  public static BenchPlan full() {
    return new BenchPlan(200, 100,
        new RateSearch.Plan(100, 1.5, 12, 1, Duration.ofSeconds(5), Duration.ofSeconds(10), 500),
        Duration.ofSeconds(30), 0, 2_000_000, 10_000, List.of(10_000, 50_000, 100_000), Duration.ofSeconds(20), Duration.ofSeconds(90), 2, 100);
  }

  /** Seconds of tiny load through every scenario: proves the harness, measures nothing. */
  public static BenchPlan smoke() {
    return new BenchPlan(10, 100,
        new RateSearch.Plan(40, 2, 2, 0, Duration.ofSeconds(1), Duration.ofSeconds(2), 2_000),
        Duration.ofSeconds(2), 0, 20_000, 200, List.of(50, 100), Duration.ZERO, Duration.ZERO, 1, 5);
  }

  /** The rate search, from another first rate (the group and history searches start near what (a) found). */
  public RateSearch.Plan searchFrom(double startRate) {
    RateSearch.Plan s = search;
    return new RateSearch.Plan(startRate, s.growth(), s.maxSteps(), s.refineSteps(), s.warmup(), s.measure(), s.p99LimitMs());
  }

  /**
   * The group search: measured twice as long, because at a few group messages per second a window holds
   * few messages, each arriving as a burst of {@code groupMembers − 1} deliveries.
   */
  public RateSearch.Plan groupSearchFrom(double startRate) {
    RateSearch.Plan s = searchFrom(startRate);
    return new RateSearch.Plan(s.startRate(), s.growth(), s.maxSteps(), s.refineSteps(), s.warmup(), s.measure().multipliedBy(2),
        s.p99LimitMs());
  }

  public Duration drainTimeout() {
    return search.drainTimeout();
  }

  /** For the report's settings table. */
  public Map<String, String> summary() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("load", users + " users in " + users / 2 + " pairs, one socket each, " + bodyBytes + "-byte bodies, every "
        + "deliverable acked cumulatively (`upTo`): a message at once, a receipt within 100 ms unless a message's ack covers it");
    m.put("rate search", "from " + Math.round(search.startRate()) + " msg/s, ×" + search.growth() + " per step, "
        + search.refineSteps() + " refining step(s); each step " + search.warmup().toSeconds() + " s warm-up + "
        + search.measure().toSeconds() + " s measured, then drained");
    m.put("group fan-out (e)", groups + " group(s) of " + groupMembers + " members, one socket each, every member sends in turn; "
        + "each message must reach the other " + (groupMembers - 1) + ", and each of them acks it (the sender's receipt: per member "
        + "up to 32 members, one for the whole group above); the same rate search, "
        + search.measure().multipliedBy(2).toSeconds() + " s measured per step");
    if (!jvmWarmup.isZero()) {
      m.put("JVM warm-up", jvmWarmup.toSeconds() + " s of unmeasured 1:1 load on a throwaway exactly_once_v2 instance before "
          + "anything is measured (half at " + Math.round(search.startRate() / 2) + ", half at " + Math.round(search.startRate())
          + " msg/s)");
    }
    if (!settle.isZero()) {
      m.put("settling", "every fresh instance first carries " + settle.toSeconds() + " s of unmeasured load at half the search's "
          + "first rate, after one priming message per user (per group in (e))");
    }
    m.put("latency run (b)", latencyMeasure.toSeconds() + " s measured after " + search.warmup().toSeconds() + " s warm-up");
    return m;
  }
}
