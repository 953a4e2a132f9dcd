package io.parley.analytics.tagging;

import static org.apache.spark.sql.functions.col;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Tagging throughput: how many messages one core tags per second through the same Spark path the
 * streaming job uses. The session's every core works on a cached frame of {@code messages} lines
 * (the held-out lines, repeated); the figure is messages / seconds / cores. A first smaller pass warms
 * the JVM and loads the model; only the second is timed.
 */
public final class Throughput {
  private Throughput() {}

  public static double messagesPerSecondPerCore(SparkSession spark, Tagger tagger, List<String> lines, int messages) {
    int cores = spark.sparkContext().defaultParallelism();
    run(spark, tagger, lines, Math.max(cores, messages / 10), cores);
    long start = System.nanoTime();
    run(spark, tagger, lines, messages, cores);
    double seconds = (System.nanoTime() - start) / 1e9;
    return messages / seconds / cores;
  }

  private static void run(SparkSession spark, Tagger tagger, List<String> lines, int messages, int cores) {
    List<Corpus.Example> batch = new ArrayList<>(messages);
    for (int i = 0; i < messages; i++) {
      batch.add(new Corpus.Example(Tag.OTHER, lines.get(i % lines.size())));
    }
    Dataset<Row> input = Corpus.frame(spark, batch).repartition(cores).cache();
    input.count();
    try {
      // The noop sink computes every column, so the model runs on every row.
      tagger.tag(input, Corpus.TEXT).select(col(Tagger.TAG), col(Tagger.SCORE))
          .write().format("noop").mode("overwrite").save();
    } finally {
      input.unpersist();
    }
  }
}
