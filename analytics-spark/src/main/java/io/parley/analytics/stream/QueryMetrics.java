package io.parley.analytics.stream;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import org.apache.spark.sql.streaming.SourceProgress;
import org.apache.spark.sql.streaming.StreamingQueryListener;
import org.apache.spark.sql.streaming.StreamingQueryProgress;

/**
 * The job's Prometheus metrics, served on {@code /metrics}: each query's input and processing rate,
 * batch duration and Kafka lag (offsets behind the newest, from Spark's Kafka source), and how many
 * messages were tagged and dead-lettered.
 */
public final class QueryMetrics extends StreamingQueryListener implements AutoCloseable {
  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final Gauge inputRate = gauge("parley_analytics_input_rows_per_second", "rows per second arriving at the query");
  private final Gauge processingRate = gauge("parley_analytics_processed_rows_per_second", "rows per second the query processed");
  private final Gauge batchDuration = gauge("parley_analytics_batch_duration_seconds", "duration of the query's last micro-batch");
  private final Gauge lag = gauge("parley_analytics_kafka_offsets_behind_latest",
      "offsets between the query's position and the newest record, the most of any partition");
  private final Counter batches = Counter.builder().name("parley_analytics_batches_total")
      .help("micro-batches completed").labelNames("query").register(registry);
  private final Counter tagged = Counter.builder().name("parley_analytics_messages_tagged_total")
      .help("messages tagged and written to message-tags").register(registry);
  private final Counter deadLetters = Counter.builder().name("parley_analytics_dead_letters_total")
      .help("records of messages that could not be decoded, written to dead-letters").labelNames("reason").register(registry);
  private final HTTPServer server;

  private QueryMetrics(String host, int port) {
    try {
      server = HTTPServer.builder().hostname(host).port(port).registry(registry).buildAndStart();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot serve metrics on port " + port, e);
    }
  }

  /** Serves the metrics on {@code host}'s {@code port} (0: a free one). */
  public static QueryMetrics serve(String host, int port) {
    return new QueryMetrics(host, port);
  }

  public int port() {
    return server.getPort();
  }

  void tagged(long messages) {
    tagged.inc(messages);
  }

  void deadLettered(String reason, long records) {
    deadLetters.labelValues(reason).inc(records);
  }

  @Override
  public void onQueryStarted(QueryStartedEvent event) {
    // nothing to record until the first batch
  }

  @Override
  public void onQueryProgress(QueryProgressEvent event) {
    StreamingQueryProgress p = event.progress();
    String query = p.name() == null ? p.id().toString() : p.name();
    inputRate.labelValues(query).set(finite(p.inputRowsPerSecond()));
    processingRate.labelValues(query).set(finite(p.processedRowsPerSecond()));
    batchDuration.labelValues(query).set(p.batchDuration() / 1000.0);
    batches.labelValues(query).inc();
    double behind = 0;
    for (SourceProgress source : p.sources()) {
      Map<String, String> metrics = source.metrics();
      String max = metrics == null ? null : metrics.get("maxOffsetsBehindLatest");
      if (max != null) {
        behind = Math.max(behind, Double.parseDouble(max));
      }
    }
    lag.labelValues(query).set(behind);
  }

  @Override
  public void onQueryTerminated(QueryTerminatedEvent event) {
    // the gauges keep their last values; the query's restart overwrites them
  }

  @Override
  public void close() {
    server.close();
  }

  private Gauge gauge(String name, String help) {
    return Gauge.builder().name(name).help(help).labelNames("query").register(registry);
  }

  private static double finite(double v) {
    return Double.isFinite(v) ? v : 0;
  }
}
