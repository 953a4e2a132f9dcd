package io.parley.analytics.cli;

import io.parley.analytics.LocalSpark;
import io.parley.analytics.stream.JobConfig;
import io.parley.analytics.stream.TaggingJob;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The streaming job against a running stack: the broker's address comes from the
 * {@code stack.properties} that {@code ./parley up} writes into its data folder, unless given.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = "Run the streaming tagging job against the running local stack (or --bootstrap-servers).")
final class RunCommand implements Callable<Integer> {
  @Mixin
  ModelOptions options;

  @Option(names = "--data-dir", paramLabel = "<folder>", defaultValue = ".parley",
      description = "the local stack's data folder, whose stack.properties names the broker (default: ${DEFAULT-VALUE})")
  Path dataDir;

  @Option(names = "--bootstrap-servers", description = "the Kafka cluster (default: the running local stack's)")
  String bootstrapServers;

  @Option(names = "--topic-prefix", description = "the prefix of Parley's topic names (default: $PARLEY_KAFKA_TOPIC_PREFIX or parley.)")
  String topicPrefix;

  @Option(names = "--checkpoints", paramLabel = "<folder|uri>",
      description = "where the queries keep offsets and state, hdfs:// or s3a:// on a cluster (default: <data-dir>/analytics/checkpoints)")
  String checkpoints;

  @Option(names = "--metrics-host", defaultValue = "127.0.0.1",
      description = "the address the metrics endpoint binds, 0.0.0.0 for a scraper elsewhere (default: ${DEFAULT-VALUE})")
  String metricsHost;

  @Option(names = "--metrics-port", defaultValue = "9404", description = "Prometheus scrape port (default: ${DEFAULT-VALUE})")
  int metricsPort;

  @Option(names = "--starting-offsets", defaultValue = "earliest",
      description = "where a query without a checkpoint starts: earliest or latest (default: ${DEFAULT-VALUE})")
  String startingOffsets;

  @Option(names = "--trigger-seconds", defaultValue = "1",
      description = "how often each query looks for new records; a longer trigger costs less when idle (default: ${DEFAULT-VALUE})")
  int triggerSeconds;

  @Option(names = "--cores", description = "Spark threads (default: every core)")
  Integer cores;

  @Override
  public Integer call() throws Exception {
    String kafka = bootstrapServers != null ? bootstrapServers : stackKafka(dataDir);
    String prefix = topicPrefix != null ? topicPrefix
        : System.getenv().getOrDefault("PARLEY_KAFKA_TOPIC_PREFIX", JobConfig.DEFAULT_PREFIX);
    String checkpointDir = checkpoints != null ? checkpoints : dataDir.resolve("analytics").resolve("checkpoints").toString();
    JobConfig defaults = JobConfig.defaults(kafka, prefix, checkpointDir);
    if (triggerSeconds < 1 || triggerSeconds > 3600) {
      throw new IllegalArgumentException("--trigger-seconds must be 1 to 3600, was " + triggerSeconds);
    }
    JobConfig config = new JobConfig(kafka, prefix, checkpointDir, startingOffsets, Duration.ofSeconds(triggerSeconds),
        defaults.windowLength(), defaults.windowSlide(), defaults.watermark(), metricsHost, metricsPort);
    SparkSession spark = LocalSpark.start("parley-analytics", cores != null ? cores : Runtime.getRuntime().availableProcessors());
    try (TaggingJob job = TaggingJob.start(spark, config, options.loadOrTrain(spark))) {
      System.err.println("tagging " + prefix + "messages on " + kafka + "; metrics on http://" + metricsHost + ":" + job.metricsPort()
          + "/metrics; Ctrl-C stops");
      Runtime.getRuntime().addShutdownHook(new Thread(() -> job.queries().forEach(q -> {
        try {
          q.stop();
        } catch (Exception e) {
          System.err.println("stopping " + q.name() + ": " + e);
        }
      })));
      job.awaitTermination();
      return 0;
    } finally {
      spark.stop();
    }
  }

  static String stackKafka(Path dataDir) throws IOException {
    Path file = dataDir.resolve("stack.properties");
    if (!Files.isRegularFile(file)) {
      throw new IllegalStateException("no running stack: " + file + " is missing (start one with ./parley up, or pass --bootstrap-servers)");
    }
    Properties stack = new Properties();
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      stack.load(in);
    }
    String kafka = stack.getProperty("kafka");
    if (kafka == null || kafka.isBlank()) {
      throw new IllegalStateException(file + " names no kafka address");
    }
    return kafka;
  }
}
