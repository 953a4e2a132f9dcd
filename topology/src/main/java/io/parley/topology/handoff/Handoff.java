package io.parley.topology.handoff;

import io.parley.kafka.Topic;
import java.nio.charset.StandardCharsets;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Where a processor puts a command for another task: a receipt or a group message for another
 * user's mailbox, a member's receipt for its group. Every hand-off carries an {@link Origins}
 * stamp, so the receiving task applies it once however often it is written.
 */
@FunctionalInterface
public interface Handoff<V extends SpecificRecord> {
  void write(String key, V value, long timestamp, Headers headers);

  /**
   * The partition a key goes to among {@code partitions}: the Kafka producer's own choice for a
   * record with a key and no partition (murmur2 of the key's UTF-8 bytes), which every hand-off is.
   */
  static int partitionOf(String key, int partitions) {
    return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
  }

  /** Makes the hand-offs of one processor instance. */
  interface Factory {
    /**
     * @param sink the processor's sink for {@code topic}, used when hand-offs join the transaction
     */
    <V extends SpecificRecord> Handoff<V> create(ProcessorContext<String, SpecificRecord> context, String sink, Topic<String, V> topic);

    /**
     * How many partitions the hand-offs to {@code topic} are spread over, so that a writer can
     * put several keys of one partition into one record keyed by one of them. The configured
     * count, unless the factory can ask the topic itself.
     */
    default int partitions(Topic<String, ?> topic) {
      return topic.partitions();
    }
  }

  /**
   * Forwards to the processor's own sink, inside the task's transaction. Readers then see the
   * hand-off only after the commit, and the receiving partitions carry open transactions; the
   * TopologyTestDriver tests and {@code topology.handoff=transaction} use it.
   */
  static Factory forwarding() {
    return new Factory() {
      @Override
      public <V extends SpecificRecord> Handoff<V> create(ProcessorContext<String, SpecificRecord> context, String sink,
          Topic<String, V> topic) {
        return (key, value, timestamp, headers) -> context.forward(new Record<>(key, value, timestamp, headers), sink);
      }
    };
  }
}
