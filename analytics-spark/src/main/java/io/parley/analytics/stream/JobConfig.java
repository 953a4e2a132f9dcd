package io.parley.analytics.stream;

import java.time.Duration;
import java.util.Objects;

/**
 * The streaming job's settings.
 *
 * @param bootstrapServers the Kafka cluster holding Parley's topics
 * @param topicPrefix the prefix Parley's topic names share ({@code parley.} unless the stack set another)
 * @param checkpoints where each query keeps its offsets and state, a folder or a Hadoop file system URI
 *     ({@code hdfs://…}, {@code s3a://…}) on a cluster; a restart resumes from there
 * @param startingOffsets where a query with no checkpoint starts reading: {@code earliest} or {@code latest}
 * @param trigger how often each query runs a micro-batch
 * @param windowLength the length of a trend window
 * @param windowSlide how far apart trend windows start
 * @param watermark how late (in event time) a tag may arrive and still be counted, and how long a
 *     message id is remembered to drop its duplicates
 * @param metricsHost the address the Prometheus endpoint binds
 * @param metricsPort the Prometheus scrape port (0: any free port)
 */
public record JobConfig(String bootstrapServers, String topicPrefix, String checkpoints, String startingOffsets,
    Duration trigger, Duration windowLength, Duration windowSlide, Duration watermark, String metricsHost, int metricsPort) {

  public static final String DEFAULT_PREFIX = "parley.";

  public JobConfig {
    Objects.requireNonNull(bootstrapServers, "bootstrapServers");
    Objects.requireNonNull(topicPrefix, "topicPrefix");
    Objects.requireNonNull(checkpoints, "checkpoints");
    if (!startingOffsets.equals("earliest") && !startingOffsets.equals("latest")) {
      throw new IllegalArgumentException("startingOffsets must be earliest or latest: " + startingOffsets);
    }
    if (windowSlide.compareTo(windowLength) > 0) {
      throw new IllegalArgumentException("a trend window must not slide further than its length");
    }
  }

  /** Ten-minute windows sliding by one minute, late tags counted for ten minutes, a batch a second. */
  public static JobConfig defaults(String bootstrapServers, String topicPrefix, String checkpoints) {
    return new JobConfig(bootstrapServers, topicPrefix, checkpoints, "earliest", Duration.ofSeconds(1),
        Duration.ofMinutes(10), Duration.ofMinutes(1), Duration.ofMinutes(10), "127.0.0.1", 9404);
  }

  public JobConfig withMetricsPort(int port) {
    return new JobConfig(bootstrapServers, topicPrefix, checkpoints, startingOffsets, trigger, windowLength, windowSlide,
        watermark, metricsHost, port);
  }

  String checkpoint(String query) {
    return checkpoints.endsWith("/") ? checkpoints + query : checkpoints + "/" + query;
  }

  static String interval(Duration d) {
    return d.toMillis() + " milliseconds";
  }
}
