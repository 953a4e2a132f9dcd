package io.parley.sinks.connect;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.metrics.internals.PluginMetricsImpl;
import org.junit.jupiter.api.Test;

class SinkMetricsTest {

  private static double value(Metrics metrics, String connector, String name) {
    MetricName metric = metrics.metricName(name, "plugins", Map.of("connector", connector, "task", "0"));
    return (double) metrics.metric(metric).metricValue();
  }

  @Test
  void shouldCountEachConnectorsTaskApartInOneWorker() {
    try (Metrics worker = new Metrics()) {
      SinkMetrics messages = new SinkMetrics(new PluginMetricsImpl(worker, Map.of("connector", "messages", "task", "0")));
      SinkMetrics lastSeen = new SinkMetrics(new PluginMetricsImpl(worker, Map.of("connector", "last-seen", "task", "0")));

      messages.written(5, 12, 2, 3);
      lastSeen.written(1, 1, 1, 1);
      messages.retried();

      assertThat(value(worker, "messages", SinkMetrics.RECORDS_WRITTEN)).isEqualTo(5.0);
      assertThat(value(worker, "last-seen", SinkMetrics.RECORDS_WRITTEN)).isEqualTo(1.0);
      assertThat(value(worker, "messages", SinkMetrics.ROWS_WRITTEN)).isEqualTo(12.0);
      assertThat(value(worker, "messages", SinkMetrics.RETRIES)).isEqualTo(1.0);
      assertThat(value(worker, "last-seen", SinkMetrics.RETRIES)).isEqualTo(0.0);
    }
  }
}
