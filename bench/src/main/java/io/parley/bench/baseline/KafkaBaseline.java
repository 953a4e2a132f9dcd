package io.parley.bench.baseline;

import io.parley.bench.process.JavaFork;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The raw Kafka limit on the very broker Parley is measured on, with Kafka's own tools from
 * {@code kafka-tools}, each in its own JVM as an operator would run them: producer alone, consumer
 * alone, producer and consumer together, and one-record-in-flight end-to-end latency.
 */
public final class KafkaBaseline {
  private static final Logger log = LoggerFactory.getLogger(KafkaBaseline.class);
  public static final int RECORD_BYTES = 200;
  public static final int PARTITIONS = 4;
  /** The producer settings of the baseline: what a throughput-minded Kafka user would pick. */
  public static final List<String> PRODUCER_PROPS = List.of("acks=all", "linger.ms=10", "batch.size=65536");
  private static final List<String> TOOL_JVM = List.of("-Xms256m", "-Xmx512m", "-XX:+UseG1GC");
  private static final Pattern PRODUCER_LINE = Pattern.compile("(\\d+) records sent, ([\\d.]+) records/sec");
  private static final Pattern E2E_AVG = Pattern.compile("Avg latency: ([\\d.]+) ms");
  private static final Pattern E2E_PERCENTILES = Pattern.compile("Percentiles: 50th = (\\d+), 99th = (\\d+), 99.9th = (\\d+)");

  private final String bootstrapServers;
  private final Path logDir;

  public KafkaBaseline(String bootstrapServers, Path logDir) {
    this.bootstrapServers = bootstrapServers;
    this.logDir = logDir;
  }

  /**
   * @param records records for each throughput run
   * @param latencyRecords records for the end-to-end latency run (one in flight at a time)
   */
  public BaselineResult measure(int records, int latencyRecords) throws Exception {
    String run = Long.toString(System.currentTimeMillis(), 36);
    String alone = "bench-baseline-" + run + "-a";
    String together = "bench-baseline-" + run + "-b";
    String latency = "bench-baseline-" + run + "-e2e";
    createTopics(List.of(alone, together), latency);

    log.info("baseline: producer alone, {} records of {} bytes", records, RECORD_BYTES);
    double producer = producerRate(produce("producer-alone", alone, records).await(Duration.ofMinutes(10)));
    log.info("baseline: consumer alone");
    double consumer = consumerRate(consume("consumer-alone", alone, records).await(Duration.ofMinutes(10)), records);

    log.info("baseline: producer and consumer together");
    JavaFork reader = consume("consumer-together", together, records);
    Thread.sleep(2_000); // the consumer is polling before the first record is sent
    double together2 = producerRate(produce("producer-together", together, records).await(Duration.ofMinutes(10)));
    consumerRate(reader.await(Duration.ofMinutes(10)), records); // fails unless every record was read

    log.info("baseline: end-to-end latency, {} records one at a time", latencyRecords);
    String e2e = JavaFork.start("end-to-end-latency", logDir, TOOL_JVM, "org.apache.kafka.tools.EndToEndLatency",
        List.of(bootstrapServers, latency, String.valueOf(latencyRecords), "all", String.valueOf(RECORD_BYTES)))
        .await(Duration.ofMinutes(10));
    Matcher avg = find(E2E_AVG, e2e, "EndToEndLatency average");
    Matcher p = find(E2E_PERCENTILES, e2e, "EndToEndLatency percentiles");
    return new BaselineResult(records, producer, consumer, together2, latencyRecords, Double.parseDouble(avg.group(1)),
        Integer.parseInt(p.group(1)), Integer.parseInt(p.group(2)), Integer.parseInt(p.group(3)));
  }

  private void createTopics(List<String> throughput, String latency) throws Exception {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
      List<NewTopic> topics = new java.util.ArrayList<>();
      throughput.forEach(t -> topics.add(new NewTopic(t, PARTITIONS, (short) 1)));
      // EndToEndLatency reads one partition and times one record at a time.
      topics.add(new NewTopic(latency, 1, (short) 1));
      admin.createTopics(topics).all().get();
    }
  }

  private JavaFork produce(String name, String topic, int records) throws Exception {
    List<String> args = new java.util.ArrayList<>(List.of("--topic", topic, "--num-records", String.valueOf(records),
        "--record-size", String.valueOf(RECORD_BYTES), "--throughput", "-1", "--producer-props",
        "bootstrap.servers=" + bootstrapServers));
    args.addAll(PRODUCER_PROPS);
    return JavaFork.start(name, logDir, TOOL_JVM, "org.apache.kafka.tools.ProducerPerformance", args);
  }

  private JavaFork consume(String name, String topic, int records) throws Exception {
    return JavaFork.start(name, logDir, TOOL_JVM, "org.apache.kafka.tools.ConsumerPerformance",
        List.of("--bootstrap-server", bootstrapServers, "--topic", topic, "--messages", String.valueOf(records),
            "--group", "bench-" + name + "-" + System.nanoTime(), "--timeout", "60000"));
  }

  /** The last summary line of ProducerPerformance: {@code N records sent, R records/sec (...)}. */
  static double producerRate(String output) {
    Matcher m = PRODUCER_LINE.matcher(output);
    String rate = null;
    while (m.find()) {
      rate = m.group(2);
    }
    if (rate == null) {
      throw new IllegalStateException("ProducerPerformance printed no summary:\n" + output);
    }
    return Double.parseDouble(rate);
  }

  /**
   * ConsumerPerformance's data line: {@code start, end, MB, MB.sec, nMsg, nMsg.sec, rebalance.ms,
   * fetch.ms, fetch.MB.sec, fetch.nMsg.sec}; the fetch rate leaves out the group join.
   */
  static double consumerRate(String output, int expected) {
    for (String line : output.strip().split("\n")) {
      String[] f = line.split(",\\s*");
      if (f.length >= 10 && f[4].strip().matches("\\d+")) {
        long consumed = Long.parseLong(f[4].strip());
        if (consumed < expected) {
          throw new IllegalStateException("ConsumerPerformance read " + consumed + " of " + expected + " records");
        }
        return Double.parseDouble(f[9].strip());
      }
    }
    throw new IllegalStateException("ConsumerPerformance printed no data line:\n" + output);
  }

  private static Matcher find(Pattern pattern, String text, String what) {
    Matcher m = pattern.matcher(text);
    if (!m.find()) {
      throw new IllegalStateException(what + " not found in:\n" + text);
    }
    return m;
  }
}
