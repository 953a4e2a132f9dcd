package io.parley.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.bench.idle.IdleResult;
import io.parley.bench.load.StepResult;
import io.parley.bench.report.BenchResults;
import io.parley.bench.report.Report;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole benchmark at a tiny load — baseline tools, both guarantees, a 5-member group fan-out, the
 * forked idle gateway, the report and the chart — so the harness never rots. It asserts that nothing was lost,
 * duplicated or reordered and that every part produced figures; never how fast anything was.
 */
@Timeout(300)
class BenchSmokeIT {

  @Test
  void shouldRunEveryScenarioWithoutLosingAMessage(@TempDir Path dir) throws Exception {
    Path report = dir.resolve("benchmarks.md");
    Files.writeString(report, "# Benchmarks\n\nHand-written notes that a run must keep.\n");
    BenchRun.Options options = new BenchRun.Options(Scenario.SMOKE, BenchPlan.smoke(), Map.of(), dir.resolve("run"),
        report, dir.resolve("latency.png"), "smoke test", null, false);

    BenchResults results = BenchRun.run(options);

    assertThat(results.failure()).isNull();
    assertThat(results.baseline().produceConsumeRate()).isPositive();
    assertThat(results.baseline().e2eP99Ms()).isNotNegative();
    List<StepResult> steps = new ArrayList<>(results.eos().steps());
    steps.addAll(results.alos().steps());
    steps.add(results.eosLatency());
    steps.add(results.alosLatency());
    steps.addAll(results.groups().search().steps());
    for (StepResult step : steps) {
      assertThat(step.intact()).as(step.faults()).isTrue();
      assertThat(step.delivered()).isEqualTo((step.sent() - step.refused()) * step.deliveriesPerMessage());
      assertThat(step.deliveryMicros().getTotalCount()).isPositive();
    }
    assertThat(results.groups().members()).isEqualTo(5);
    assertThat(results.groups().search().steps()).allSatisfy(step -> assertThat(step.deliveriesPerMessage()).isEqualTo(4));
    IdleResult.Level largest = results.idle().largest();
    assertThat(largest.connections()).isEqualTo(100);
    assertThat(largest.heapBytes()).isPositive();
    assertThat(results.idle().bareJetty().connections()).isEqualTo(100);
    assertThat(results.idle().heapBySocket()).isNotEmpty();
    String page = Files.readString(report);
    assertThat(page).contains("Hand-written notes that a run must keep.", Report.BEGIN, Report.END, "latency.png",
        "Group fan-out search",
        "bare Jetty", "Where a socket's heap goes");
    assertThat(dir.resolve("latency.png")).isNotEmptyFile();
  }
}
