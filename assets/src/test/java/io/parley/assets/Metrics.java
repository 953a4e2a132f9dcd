package io.parley.assets;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;

/** Reads counters back from a registry, as a scrape would see them. */
final class Metrics {
  private Metrics() {}

  /** The value of counter {@code name} (with or without {@code _total}) at {@code labels} (name, value pairs); 0 if never counted. */
  static double counter(PrometheusRegistry registry, String name, String... labels) {
    String base = name.endsWith("_total") ? name.substring(0, name.length() - "_total".length()) : name;
    Labels wanted = Labels.of(labels);
    for (MetricSnapshot snapshot : registry.scrape()) {
      if (snapshot instanceof CounterSnapshot counter && counter.getMetadata().getName().equals(base)) {
        return counter.getDataPoints().stream().filter(d -> d.getLabels().equals(wanted))
            .mapToDouble(CounterSnapshot.CounterDataPointSnapshot::getValue).sum();
      }
    }
    return 0;
  }
}
