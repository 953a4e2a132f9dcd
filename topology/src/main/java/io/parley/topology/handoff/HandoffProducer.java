package io.parley.topology.handoff;

import io.parley.kafka.Topic;
import java.time.Duration;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.avro.specific.SpecificRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The producer of hand-offs: mailbox commands a task writes for other mailboxes outside its
 * transaction, so that the mailbox partitions never hold an open transaction and a message is
 * routed as soon as the gateway's write lands, not after the next commit.
 *
 * <p>Nothing may be lost: a stream thread's commit first waits, in {@link #flushSentBy}, until
 * every hand-off that thread sent is acknowledged, and fails if any was not. A failed commit
 * replays its input, which writes the same stamped hand-offs again ({@link Origins}). After a
 * failure the producer is replaced, and every thread that had used the failed one fails its
 * next commit too.
 */
public final class HandoffProducer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HandoffProducer.class);

  private final Supplier<Producer<String, byte[]>> factory;
  private final ThreadLocal<Set<Generation>> usedByThread =
      ThreadLocal.withInitial(() -> Collections.newSetFromMap(new IdentityHashMap<>()));
  private volatile Generation current;

  private record Generation(Producer<String, byte[]> producer, AtomicReference<Exception> failure) {}

  public HandoffProducer(Supplier<Producer<String, byte[]>> factory) {
    this.factory = factory;
    this.current = new Generation(factory.get(), new AtomicReference<>());
  }

  /** Hand-offs written by this producer, outside the transaction. */
  public Handoff.Factory handoffs() {
    return new Handoff.Factory() {
      @Override
      public <V extends SpecificRecord> Handoff<V> create(ProcessorContext<String, SpecificRecord> context, String sink,
          Topic<String, V> topic) {
        Serializer<V> values = topic.valueSerde().serializer();
        return (key, value, timestamp, headers) ->
            send(new ProducerRecord<>(topic.name(), null, timestamp, key, values.serialize(topic.name(), value), headers));
      }

      /** The topic's own count, from the producer's metadata, which also partitions every hand-off. */
      @Override
      public int partitions(Topic<String, ?> topic) {
        return current.producer().partitionsFor(topic.name()).size();
      }
    };
  }

  public void send(ProducerRecord<String, byte[]> record) {
    Generation g = current;
    usedByThread.get().add(g);
    g.producer().send(record, (metadata, e) -> {
      if (e != null && g.failure().compareAndSet(null, e)) {
        log.error("a hand-off to {} was not acknowledged; the commits of its senders will fail", record.topic(), e);
      }
    });
  }

  /**
   * Blocks until every hand-off this thread sent since its last flush is acknowledged.
   *
   * @throws KafkaException if any of them failed: the caller must not commit
   */
  public void flushSentBy() {
    Set<Generation> used = usedByThread.get();
    if (used.isEmpty()) {
      return;
    }
    Exception failed = null;
    try {
      for (Generation g : used) {
        try {
          g.producer().flush();
        } catch (RuntimeException e) {
          g.failure().compareAndSet(null, e);
        }
        // A generation failed by any thread fails every thread that sent through it.
        if (g.failure().get() != null) {
          failed = failed != null ? failed : g.failure().get();
          replace(g);
        }
      }
    } finally {
      used.clear();
    }
    if (failed != null) {
      throw new KafkaException("hand-offs were not acknowledged; this commit must not happen", failed);
    }
  }

  private synchronized void replace(Generation failed) {
    if (current == failed) {
      current = new Generation(factory.get(), new AtomicReference<>());
      // Closing fails whatever else is pending in it, so every thread that used it fails its commit.
      failed.producer().close(Duration.ZERO);
    }
  }

  @Override
  public void close() {
    current.producer().close(Duration.ofSeconds(10));
  }
}
