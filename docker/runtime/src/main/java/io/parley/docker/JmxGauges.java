package io.parley.docker;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.PrometheusNaming;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * A few JMX attributes of this JVM shown as Prometheus gauges, read at scrape time: for the Kafka
 * broker, which publishes its health (under-replicated partitions, the active controller) and rates
 * only over JMX. Each {@link Bean} names an object-name pattern, one attribute, a metric name and the
 * object-name keys that become labels. A bean that is not registered (yet) simply has no sample.
 */
final class JmxGauges implements MultiCollector {
  record Bean(String pattern, String attribute, String metric, String help, List<String> labelKeys) {}

  private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();
  private final List<Bean> beans;

  JmxGauges(List<Bean> beans) {
    this.beans = List.copyOf(beans);
  }

  @Override
  public MetricSnapshots collect() {
    List<GaugeSnapshot> out = new ArrayList<>();
    for (Bean bean : beans) {
      GaugeSnapshot.Builder gauge = GaugeSnapshot.builder().name(bean.metric()).help(bean.help());
      try {
        for (ObjectName name : server.queryNames(new ObjectName(bean.pattern()), null)) {
          Object value = server.getAttribute(name, bean.attribute());
          if (!(value instanceof Number number)) {
            continue;
          }
          List<String> keys = new ArrayList<>();
          List<String> values = new ArrayList<>();
          for (String key : bean.labelKeys()) {
            String v = name.getKeyProperty(key);
            if (v != null) {
              keys.add(PrometheusNaming.sanitizeLabelName(key));
              values.add(v);
            }
          }
          gauge.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder()
              .labels(Labels.of(keys, values)).value(number.doubleValue()).build());
        }
      } catch (JMException e) {
        throw new IllegalStateException("cannot read " + bean.pattern() + " " + bean.attribute() + " from JMX", e);
      }
      out.add(gauge.build());
    }
    return new MetricSnapshots(new ArrayList<>(out));
  }
}
