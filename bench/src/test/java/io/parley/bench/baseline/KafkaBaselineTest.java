package io.parley.bench.baseline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class KafkaBaselineTest {

  @Test
  void shouldTakeTheLastSummaryOfProducerPerformance() {
    String out = """
        500000 records sent, 99990.0 records/sec (19.07 MB/sec), 80.1 ms avg latency, 300.0 ms max latency.
        1000000 records sent, 123456.7 records/sec (23.55 MB/sec), 70.2 ms avg latency, 310.0 ms max latency, 50 ms 50th, 90 ms 95th.
        """;
    assertThat(KafkaBaseline.producerRate(out)).isEqualTo(123456.7);
  }

  @Test
  void shouldTakeTheFetchRateOfConsumerPerformance() {
    String out = """
        start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec
        2026-11-29 07:05:11:693, 2026-11-29 07:05:17:050, 190.7349, 35.6, 1000000, 186671.6, 3120, 2237, 85.2, 447027.3
        """;
    assertThat(KafkaBaseline.consumerRate(out, 1_000_000)).isEqualTo(447027.3);
  }

  @Test
  void shouldRefuseAConsumerRunThatMissedRecords() {
    String out = "2026-11-29 07:05:11:693, 2026-11-29 07:05:17:050, 1.0, 1.0, 999, 1.0, 1, 1, 1.0, 1.0\n";
    assertThatThrownBy(() -> KafkaBaseline.consumerRate(out, 1_000)).hasMessageContaining("read 999 of 1000");
  }
}
