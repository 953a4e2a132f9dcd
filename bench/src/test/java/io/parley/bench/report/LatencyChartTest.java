package io.parley.bench.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.bench.load.StepResult;
import io.parley.bench.scenario.RateSearch;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LatencyChartTest {

  @Test
  void shouldDrawPercentilesOverRateHeadless(@TempDir Path dir) throws Exception {
    RateSearch.Result eos = new RateSearch.Result("exactly_once_v2", List.of(step(100, 20_000), step(150, 90_000)), 100, 500);
    RateSearch.Result alos = new RateSearch.Result("at_least_once", List.of(step(100, 8_000)), 100, 500);
    Path png = dir.resolve("chart.png");

    LatencyChart.write(png, eos, alos);

    assertThat(png).isNotEmptyFile();
  }

  private static StepResult step(double rate, long micros) {
    Histogram h = new Histogram(600_000_000L, 3);
    h.recordValue(micros);
    h.recordValue(micros * 3);
    return new StepResult(1, rate, 1, rate, 10, 10, rate, h, h, h, 0, 0, 0, 0, 0, 0, 0, 0, 0, Map.of(), 0, Map.of());
  }
}
