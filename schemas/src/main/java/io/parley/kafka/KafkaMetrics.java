package io.parley.kafka;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.PrometheusNaming;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;

/**
 * Exposes a Kafka client's own metrics (Streams, producer, consumer: lag, rates, latencies) to
 * Prometheus, read at scrape time: {@code kafka_<group>_<name>} gauges with the Kafka tags as labels,
 * plus a {@code component} label naming the Parley part they belong to.
 */
public final class KafkaMetrics implements MultiCollector {
  private final String component;
  private final Supplier<Map<MetricName, ? extends Metric>> metrics;

  public KafkaMetrics(String component, Supplier<Map<MetricName, ? extends Metric>> metrics) {
    this.component = component;
    this.metrics = metrics;
  }

  @Override
  public MetricSnapshots collect() {
    Map<String, GaugeSnapshot.Builder> byName = new TreeMap<>();
    Map<String, java.util.Set<Labels>> seen = new TreeMap<>();
    for (Map.Entry<MetricName, ? extends Metric> e : metrics.get().entrySet()) {
      Object value = e.getValue().metricValue();
      if (!(value instanceof Number number) || Double.isNaN(number.doubleValue())) {
        continue;
      }
      MetricName name = e.getKey();
      String prometheusName = PrometheusNaming.sanitizeMetricName("kafka_" + name.group() + "_" + name.name());
      List<String> labelNames = new ArrayList<>(List.of("component"));
      List<String> labelValues = new ArrayList<>(List.of(component));
      new TreeMap<>(name.tags()).forEach((k, v) -> {
        labelNames.add(PrometheusNaming.sanitizeLabelName(k));
        labelValues.add(v);
      });
      Labels labels = Labels.of(labelNames, labelValues);
      if (!seen.computeIfAbsent(prometheusName, k -> new java.util.HashSet<>()).add(labels)) {
        continue;
      }
      byName.computeIfAbsent(prometheusName, n -> GaugeSnapshot.builder().name(n).help(name.description()))
          .dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().value(number.doubleValue()).labels(labels).build());
    }
    List<MetricSnapshot> snapshots = new ArrayList<>();
    byName.values().forEach(b -> snapshots.add(b.build()));
    return new MetricSnapshots(snapshots);
  }
}
