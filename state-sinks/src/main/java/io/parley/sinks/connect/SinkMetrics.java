package io.parley.sinks.connect;

import java.util.LinkedHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.metrics.stats.Avg;
import org.apache.kafka.common.metrics.stats.CumulativeSum;
import org.apache.kafka.common.metrics.stats.Max;

/**
 * A sink task's own metrics, registered with the Connect worker (group {@code plugins}, tagged with
 * connector and task): the worker publishes them like its other metrics (JMX, metric reporters),
 * which is where Prometheus reads a production Connect cluster from.
 */
public final class SinkMetrics {
  public static final String RECORDS_WRITTEN = "records-written-total";
  public static final String ROWS_WRITTEN = "rows-written-total";
  public static final String REQUESTS = "write-requests-total";
  public static final String RETRIES = "retries-total";
  public static final String DEAD_LETTERS = "dead-letters-total";
  public static final String WRITE_TIME_AVG = "write-time-ms-avg";
  public static final String WRITE_TIME_MAX = "write-time-ms-max";

  /**
   * Sensor names are global in the worker's metrics registry (only metric names carry the connector
   * and task tags), so each task's sensors get a name of their own; otherwise two connectors' tasks
   * would record into one another's counters.
   */
  private static final AtomicLong INSTANCES = new AtomicLong();

  private final PluginMetrics metrics;
  private final String sensorPrefix = "parley-sink-" + INSTANCES.incrementAndGet() + "-";
  private final Sensor records;
  private final Sensor rows;
  private final Sensor requests;
  private final Sensor retries;
  private final Sensor deadLetters;
  private final Sensor writeTime;

  SinkMetrics(PluginMetrics metrics) {
    this.metrics = metrics;
    this.records = sum("records-written", RECORDS_WRITTEN, "Records written to Cassandra");
    this.rows = sum("rows-written", ROWS_WRITTEN, "Rows written to Cassandra (the writes Cassandra saw)");
    this.requests = sum("write-requests", REQUESTS, "Requests sent to Cassandra (single writes or unlogged batches)");
    this.retries = sum("retries", RETRIES, "Times a write was retried after Cassandra was unavailable or timed out");
    this.deadLetters = sum("dead-letters", DEAD_LETTERS, "Records sent to the dead-letter topic");
    this.writeTime = metrics == null ? null : metrics.addSensor(sensorPrefix + "write-time");
    if (writeTime != null) {
      writeTime.add(metrics.metricName(WRITE_TIME_AVG, "Average time to write one batch of records", new LinkedHashMap<>()), new Avg());
      writeTime.add(metrics.metricName(WRITE_TIME_MAX, "Longest time to write one batch of records", new LinkedHashMap<>()), new Max());
    }
  }

  private Sensor sum(String sensorName, String metricName, String description) {
    if (metrics == null) {
      return null;
    }
    Sensor sensor = metrics.addSensor(sensorPrefix + sensorName);
    sensor.add(metrics.metricName(metricName, description, new LinkedHashMap<>()), new CumulativeSum());
    return sensor;
  }

  void written(int recordCount, int rowCount, int requestCount, long millis) {
    record(records, recordCount);
    record(rows, rowCount);
    record(requests, requestCount);
    record(writeTime, millis);
  }

  void retried() {
    record(retries, 1);
  }

  void deadLettered() {
    record(deadLetters, 1);
  }

  private static void record(Sensor sensor, double value) {
    if (sensor != null) {
      sensor.record(value);
    }
  }
}
