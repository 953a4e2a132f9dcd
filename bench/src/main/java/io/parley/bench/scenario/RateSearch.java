package io.parley.bench.scenario;

import io.parley.bench.load.LoadGenerator;
import io.parley.bench.load.StepResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scenario (a): raise the offered rate step by step until a step fails — p99 over the limit, fewer
 * deliveries than offered, or any refused message — then refine between the last pass and the first
 * failure. The highest passing rate is the sustainable 1:1 throughput.
 */
public final class RateSearch {
  private static final Logger log = LoggerFactory.getLogger(RateSearch.class);
  /** A step keeps up when it delivers at least this share of what it offers. */
  static final double KEEP_UP = 0.95;

  public static double keepUp() {
    return KEEP_UP;
  }

  public record Plan(double startRate, double growth, int maxSteps, int refineSteps, Duration warmup, Duration measure,
      double p99LimitMs) {
    /**
     * Long enough to drain the backlog of a step offered {@code growth} times what Parley sustains, and
     * to ride out a stalled transaction on a busy machine; what has not arrived by then counts as lost.
     */
    public Duration drainTimeout() {
      return Duration.ofSeconds(Math.max(120, 3 * (warmup.toSeconds() + measure.toSeconds())));
    }
  }

  /** The steps in the order run, and the highest rate that passed (0 when none did). */
  public record Result(String label, List<StepResult> steps, double maxRate, double p99LimitMs) {
    public List<StepResult> byRate() {
      return steps.stream().sorted(Comparator.comparingDouble(StepResult::offeredRate)).toList();
    }

    public boolean passed(StepResult step) {
      return RateSearch.passes(step, p99LimitMs);
    }
  }

  private RateSearch() {}

  static boolean passes(StepResult step, double p99LimitMs) {
    return step.intact() && step.errorCount() == 0 && step.deliveryMs(99) <= p99LimitMs
        && step.deliveredPerSecond() >= KEEP_UP * step.offeredDeliveriesPerSecond();
  }

  /** Runs the search; a step that loses, duplicates or reorders anything ends it with {@link BenchFailure}. */
  public static Result run(String label, LoadGenerator generator, Plan plan) throws InterruptedException {
    List<StepResult> steps = new ArrayList<>();
    double lastPass = 0;
    double firstFail = Double.POSITIVE_INFINITY;
    double rate = plan.startRate();
    while (steps.size() < plan.maxSteps()) {
      boolean ok = step(label, generator, plan, rate, steps);
      if (ok) {
        lastPass = rate;
        if (firstFail != Double.POSITIVE_INFINITY) {
          break;
        }
        rate *= plan.growth();
      } else {
        firstFail = rate;
        if (lastPass > 0) {
          break;
        }
        rate /= plan.growth(); // even the start rate was too much: come down
      }
    }
    for (int i = 0; i < plan.refineSteps() && lastPass > 0 && firstFail != Double.POSITIVE_INFINITY; i++) {
      double mid = roundRate((lastPass + firstFail) / 2);
      if (step(label, generator, plan, mid, steps)) {
        lastPass = mid;
      } else {
        firstFail = mid;
      }
    }
    return new Result(label, List.copyOf(steps), lastPass, plan.p99LimitMs());
  }

  /** Whole messages per second, or two decimals below 10/s (a 100-member group's rates are small). */
  public static double roundRate(double rate) {
    return rate >= 10 ? Math.round(rate) : Math.round(rate * 100) / 100.0;
  }

  private static boolean step(String label, LoadGenerator generator, Plan plan, double rate, List<StepResult> steps)
      throws InterruptedException {
    StepResult step = generator.run(rate, plan.warmup(), plan.measure(), plan.drainTimeout());
    steps.add(step);
    boolean ok = passes(step, plan.p99LimitMs());
    log.info("{} {} msg/s: {} deliveries/s, p50 {} ms, p99 {} ms, p99.9 {} ms, errors {}, drained in {} ms, cpu ms/msg {} -> {}",
        label, roundRate(rate), Math.round(step.deliveredPerSecond()), step.deliveryMs(50), step.deliveryMs(99),
        step.deliveryMs(99.9), step.errors(), step.drainMillis(), step.cpuMsPerMessage(), ok ? "pass" : "fail");
    if (!step.intact()) {
      throw new BenchFailure(label + " at " + roundRate(rate) + " msg/s: " + step.faults(), steps);
    }
    return ok;
  }
}
