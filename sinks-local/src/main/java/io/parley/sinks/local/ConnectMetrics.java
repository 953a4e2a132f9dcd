package io.parley.sinks.local;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * Shows the sink connectors' own metrics in a Prometheus registry. The tasks register them with the
 * Connect worker, which publishes them over JMX as {@code kafka.connect:type=plugins,connector=..,task=..};
 * a production worker exports the same beans with the Prometheus JMX exporter. Summed per connector.
 */
public final class ConnectMetrics implements MultiCollector {
  private static final String PLUGIN_BEANS = "kafka.connect:type=plugins,connector=*,task=*";
  /** JMX attribute → Prometheus name (counters without their _total suffix, which the format adds). */
  private static final Map<String, String> COUNTERS = Map.of(
      "records-written-total", "parley_sink_records_written",
      "rows-written-total", "parley_sink_cassandra_rows_written",
      "write-requests-total", "parley_sink_cassandra_requests",
      "retries-total", "parley_sink_retries",
      "dead-letters-total", "parley_sink_dead_letters");
  private static final String WRITE_TIME_MAX = "write-time-ms-max";

  private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();

  @Override
  public MetricSnapshots collect() {
    Map<String, Map<String, Double>> sums = new TreeMap<>();
    Map<String, Double> maxWriteMs = new TreeMap<>();
    try {
      for (ObjectName bean : server.queryNames(new ObjectName(PLUGIN_BEANS), null)) {
        String connector = bean.getKeyProperty("connector");
        for (Map.Entry<String, String> c : COUNTERS.entrySet()) {
          double value = number(bean, c.getKey());
          sums.computeIfAbsent(c.getValue(), k -> new TreeMap<>()).merge(connector, value, Double::sum);
        }
        maxWriteMs.merge(connector, number(bean, WRITE_TIME_MAX), Math::max);
      }
    } catch (JMException e) {
      throw new IllegalStateException("cannot read Kafka Connect metrics from JMX", e);
    }
    MetricSnapshots.Builder out = MetricSnapshots.builder();
    for (Map.Entry<String, String> c : COUNTERS.entrySet()) {
      CounterSnapshot.Builder counter = CounterSnapshot.builder().name(c.getValue()).help("Parley sink connectors: " + c.getKey());
      sums.getOrDefault(c.getValue(), Map.of()).forEach((connector, value) -> counter.dataPoint(
          CounterSnapshot.CounterDataPointSnapshot.builder().labels(Labels.of("connector", connector)).value(value).build()));
      out.metricSnapshot(counter.build());
    }
    GaugeSnapshot.Builder gauge = GaugeSnapshot.builder().name("parley_sink_write_time_max_milliseconds")
        .help("Parley sink connectors: longest time to write one batch of records");
    maxWriteMs.forEach((connector, value) -> gauge.dataPoint(
        GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(Labels.of("connector", connector)).value(value).build()));
    out.metricSnapshot(gauge.build());
    return out.build();
  }

  @Override
  public List<String> getPrometheusNames() {
    return List.of(); // names vary with what is registered; no static check
  }

  /** Sums one counter across every task of one connector, e.g. for a test's or a benchmark's note. */
  public double total(String connector, String counterAttribute) {
    double sum = 0;
    try {
      for (ObjectName bean : server.queryNames(new ObjectName("kafka.connect:type=plugins,connector=" + connector + ",task=*"), null)) {
        sum += number(bean, counterAttribute);
      }
    } catch (JMException e) {
      throw new IllegalStateException("cannot read Kafka Connect metrics from JMX", e);
    }
    return sum;
  }

  private double number(ObjectName bean, String attribute) throws JMException {
    try {
      Object value = server.getAttribute(bean, attribute);
      return value instanceof Number n && !Double.isNaN(n.doubleValue()) && !Double.isInfinite(n.doubleValue()) ? n.doubleValue() : 0;
    } catch (javax.management.AttributeNotFoundException e) {
      return 0;
    }
  }
}
