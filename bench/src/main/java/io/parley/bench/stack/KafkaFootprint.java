package io.parley.bench.stack;

import java.util.Map;

/**
 * What one Parley instance wrote to Kafka for the messages it carried: offsets (records and
 * transaction markers) by topic, over every message the load generator sent it, warm-up included.
 */
public record KafkaFootprint(String guarantee, long messages, Map<String, Long> offsets) {

  public long total() {
    return offsets.values().stream().mapToLong(Long::longValue).sum();
  }

  public double perMessage() {
    return messages == 0 ? Double.NaN : total() / (double) messages;
  }

  public double perMessage(String topic) {
    return messages == 0 ? Double.NaN : offsets.getOrDefault(topic, 0L) / (double) messages;
  }
}
