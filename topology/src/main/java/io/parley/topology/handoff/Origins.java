package io.parley.topology.handoff;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * Exactly-once hand-off between tasks without a transaction on the receiving partition.
 *
 * <p>A command a task writes into another mailbox is stamped with the input record that caused it
 * (topic, partition, offset) and its index among that record's outputs. A task that aborts replays
 * the same input in the same order and so writes the same stamps again; the receiving task keeps,
 * per origin partition, the highest stamp it applied and drops anything at or below it. One small
 * value per origin partition, rewritten in the record cache, replaces a dedupe entry per command.
 *
 * <p>This relies on each writer delivering one origin's commands to one partition in order and
 * without gaps: the hand-off producer is idempotent, retries without a deadline, and is flushed
 * before every commit ({@link HandoffProducer}).
 */
public final class Origins {
  /** origin topic|partition → highest stamp applied, in the mailbox's sub-topology. */
  public static final String STORE = "mailbox-origins";
  /** The same for the group sub-topology (members' receipts). */
  public static final String GROUP_STORE = "group-origins";
  static final String HEADER = "parley.origin";
  /** Outputs per input record that a stamp can tell apart. */
  static final int MAX_INDEX = (1 << 20) - 1;

  private Origins() {}

  public static StoreBuilder<KeyValueStore<String, Long>> storeBuilder(String name) {
    return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name), Serdes.String(), Serdes.Long())
        .withCachingEnabled();
  }

  /** Stamps the outputs of one processor instance with the input record being processed. */
  public static final class Stamper {
    private final ProcessorContext<?, ?> context;
    private String topic;
    private int partition = -1;
    private long offset = -1;
    private int index;

    public Stamper(ProcessorContext<?, ?> context) {
      this.context = context;
    }

    /** Headers for the next output of the current input record; none outside {@code process} (punctuation). */
    public Headers next() {
      Optional<RecordMetadata> meta = context.recordMetadata();
      RecordHeaders headers = new RecordHeaders();
      if (meta.isEmpty() || meta.get().offset() < 0) {
        return headers;
      }
      RecordMetadata m = meta.get();
      if (m.offset() != offset || m.partition() != partition || !m.topic().equals(topic)) {
        topic = m.topic();
        partition = m.partition();
        offset = m.offset();
        index = 0;
      }
      if (index > MAX_INDEX) {
        throw new IllegalStateException("more than " + (MAX_INDEX + 1) + " hand-offs from one record of " + topic);
      }
      headers.add(HEADER, encode(topic, partition, stamp(offset, index++)));
      return headers;
    }
  }

  /** The receiving side: remembers the highest stamp applied per origin partition. */
  public static final class Gate {
    private final KeyValueStore<String, Long> applied;

    public Gate(ProcessorContext<?, ?> context, String store) {
      this.applied = context.getStateStore(store);
    }

    /** True the first time a stamped command is seen (and for every unstamped one); remembers it. */
    public boolean admit(Headers headers) {
      Header header = headers.lastHeader(HEADER);
      if (header == null) {
        return true;
      }
      ByteBuffer buf = ByteBuffer.wrap(header.value());
      long stamp = buf.getLong();
      String origin = StandardCharsets.UTF_8.decode(buf).toString();
      Long highest = applied.get(origin);
      if (highest != null && stamp <= highest) {
        return false;
      }
      applied.put(origin, stamp);
      return true;
    }
  }

  static long stamp(long offset, int index) {
    return (offset << 20) | index;
  }

  static byte[] encode(String topic, int partition, long stamp) {
    byte[] origin = (topic + '|' + partition).getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(8 + origin.length).putLong(stamp).put(origin).array();
  }
}
