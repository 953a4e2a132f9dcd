package io.parley.sinks.cassandra;

/**
 * How writes are grouped and paced.
 *
 * @param batchMaxStatements rows of one partition sent as one unlogged batch, at most
 * @param batchMaxBytes estimated bytes of one batch, at most (Cassandra refuses batches over
 *     {@code batch_size_fail_threshold}, 50 KiB by default)
 * @param maxInFlight requests in flight at once
 */
public record WriteLimits(int batchMaxStatements, int batchMaxBytes, int maxInFlight) {
  public static final WriteLimits DEFAULTS = new WriteLimits(50, 40 * 1024, 32);

  public WriteLimits {
    if (batchMaxStatements < 1 || batchMaxBytes < 1 || maxInFlight < 1) {
      throw new IllegalArgumentException("write limits must be positive");
    }
  }
}
