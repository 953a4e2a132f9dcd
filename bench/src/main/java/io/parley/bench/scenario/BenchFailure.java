package io.parley.bench.scenario;

import io.parley.bench.load.StepResult;
import java.util.List;

/** Parley lost, duplicated or reordered messages, or dropped a socket: the benchmark must fail. */
public final class BenchFailure extends RuntimeException {
  private final transient List<StepResult> steps;

  public BenchFailure(String message, List<StepResult> steps) {
    super(message);
    this.steps = List.copyOf(steps);
  }

  /** The steps run up to and including the failing one. */
  public List<StepResult> steps() {
    return steps;
  }
}
