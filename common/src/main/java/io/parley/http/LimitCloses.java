package io.parley.http;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * {@code parley_http_limit_closes_total{server, reason}}: connections the {@link HttpLimits} closed,
 * because a request header missed its deadline ({@code header_deadline}) or because the client's
 * address already held as many connections as it may ({@code address_limit}). One counter per
 * registry, shared by every server whose {@code /metrics} serves that registry (a local stack runs
 * several in one process); each server's series exist from its start, at zero.
 */
final class LimitCloses {
  static final String NAME = "parley_http_limit_closes_total";
  static final String HEADER_DEADLINE = "header_deadline";
  static final String ADDRESS_LIMIT = "address_limit";

  private static final Map<PrometheusRegistry, Counter> COUNTERS = new WeakHashMap<>();

  private LimitCloses() {}

  static CounterDataPoint of(PrometheusRegistry registry, String server, String reason) {
    return counter(registry).labelValues(server, reason);
  }

  private static synchronized Counter counter(PrometheusRegistry registry) {
    return COUNTERS.computeIfAbsent(registry, r -> Counter.builder().name(NAME)
        .help("connections closed by the HTTP limits: a request header past its deadline, or one address over its connection limit")
        .labelNames("server", "reason").register(r));
  }
}
