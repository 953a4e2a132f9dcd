package io.parley.bench.baseline;

/**
 * The raw Kafka figures of one run. Rates are records per second of {@link KafkaBaseline#RECORD_BYTES}
 * bytes; EndToEndLatency reports whole milliseconds.
 *
 * @param produceConsumeRate the producer's rate while a consumer reads the same topic at the same time
 */
public record BaselineResult(
    int records,
    double producerRate,
    double consumerRate,
    double produceConsumeRate,
    int latencyRecords,
    double e2eAvgMs,
    int e2eP50Ms,
    int e2eP99Ms,
    int e2eP999Ms) {

  /** The p99 to compare against; EndToEndLatency rounds down to whole ms, so never less than 1. */
  public double e2eP99ForRatio() {
    return Math.max(1, e2eP99Ms);
  }
}
