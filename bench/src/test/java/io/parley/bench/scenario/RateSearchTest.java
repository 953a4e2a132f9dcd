package io.parley.bench.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.bench.load.StepResult;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class RateSearchTest {

  @Test
  void shouldJudgeAGroupStepByTheDeliveriesItsRateAsksFor() {
    // 2 group messages/s to 100-member groups ask for 198 deliveries/s
    assertThat(RateSearch.passes(step(2, 99, 195), 500)).isTrue();
    assertThat(RateSearch.passes(step(2, 99, 150), 500)).isFalse();
  }

  @Test
  void shouldJudgeADirectStepByItsMessageRate() {
    assertThat(RateSearch.passes(step(100, 1, 96), 500)).isTrue();
    assertThat(RateSearch.passes(step(100, 1, 90), 500)).isFalse();
  }

  @Test
  void shouldKeepTwoDecimalsForTheSmallRatesOfGroups() {
    assertThat(RateSearch.roundRate(0.5625)).isEqualTo(0.56);
    assertThat(RateSearch.roundRate(56.4)).isEqualTo(56);
  }

  private static StepResult step(double rate, int deliveriesPerMessage, double deliveredPerSecond) {
    Histogram h = new Histogram(600_000_000L, 3);
    h.recordValue(10_000);
    return new StepResult(1, rate, deliveriesPerMessage, rate * deliveriesPerMessage, 10, 10, deliveredPerSecond, h, h, h, 0, 0, 0, 0, 0, 0, 0, 0, 0, Map.of(), 0,
        Map.of());
  }
}
