package io.parley.kafka;

import java.util.Map;
import org.apache.kafka.common.serialization.Serde;

/**
 * One Kafka topic with the serdes of its key and value, and how it is created.
 *
 * @param config topic-level settings (cleanup policy, retention) applied when Parley creates it
 */
public record Topic<K, V>(String name, Serde<K> keySerde, Serde<V> valueSerde, int partitions, Map<String, String> config) {

  public Topic {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("topic name is required");
    }
    if (partitions < 1) {
      throw new IllegalArgumentException("topic " + name + " needs at least one partition");
    }
    config = Map.copyOf(config);
  }
}
