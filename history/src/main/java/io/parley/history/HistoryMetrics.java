package io.parley.history;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/** The history API's metrics, named in one place: requests by route and status, and their latency. */
public final class HistoryMetrics {
  private final Counter requests;
  private final Histogram latency;

  private HistoryMetrics(Counter requests, Histogram latency) {
    this.requests = requests;
    this.latency = latency;
  }

  public static HistoryMetrics register(PrometheusRegistry registry) {
    return new HistoryMetrics(
        Counter.builder().name("parley_history_requests").help("History and presence API requests")
            .labelNames("route", "status").register(registry),
        Histogram.builder().name("parley_history_request_seconds").help("History and presence API latency")
            .labelNames("route").classicUpperBounds(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5)
            .register(registry));
  }

  void observe(String route, int status, long nanos) {
    requests.labelValues(route, String.valueOf(status)).inc();
    latency.labelValues(route).observe(nanos / 1e9);
  }
}
