package io.parley.analytics;

import org.apache.spark.sql.SparkSession;

/**
 * The Spark session of a command: under {@code spark-submit} (which sets {@code spark.master}) the
 * cluster's, as submitted; otherwise one on this machine's cores, bound to loopback, without the web UI.
 */
public final class LocalSpark {
  private LocalSpark() {}

  /** {@code local[threads]}, with few shuffle partitions: Parley's analytics data fits one machine locally. */
  public static SparkSession start(String appName, int threads) {
    if (System.getProperty("spark.master") != null) {
      return SparkSession.builder().appName(appName).getOrCreate();
    }
    return SparkSession.builder()
        .appName(appName)
        .master("local[" + threads + "]")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", String.valueOf(Math.max(2, threads)))
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate();
  }
}
