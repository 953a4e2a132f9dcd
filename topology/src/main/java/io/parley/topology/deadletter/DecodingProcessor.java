package io.parley.topology.deadletter;

import io.parley.model.Ids;
import io.parley.schemas.serde.AvroSerde;
import io.parley.topology.TopologyMetrics;
import java.nio.charset.StandardCharsets;
import java.util.function.Predicate;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes raw records of one topic. A record that does not decode, or whose key is not a valid id
 * for the topic, goes unchanged to the dead-letter topic with headers saying where it came from and why, inside
 * the same transaction as everything else: it is skipped, counted, and kept, never a crash.
 */
public final class DecodingProcessor<V extends SpecificRecord> implements Processor<String, byte[], Object, Object> {
  private static final Logger log = LoggerFactory.getLogger(DecodingProcessor.class);
  public static final String REASON = "parley.dlq.reason";
  public static final String SOURCE_TOPIC = "parley.dlq.topic";
  public static final String SOURCE_PARTITION = "parley.dlq.partition";
  public static final String SOURCE_OFFSET = "parley.dlq.offset";

  private final AvroSerde<V> serde;
  private final String next;
  private final String deadLetters;
  private final TopologyMetrics metrics;
  private final Predicate<String> validKey;
  private ProcessorContext<Object, Object> context;

  /** For topics keyed by user id. */
  public DecodingProcessor(AvroSerde<V> serde, String next, String deadLetters, TopologyMetrics metrics) {
    this(serde, next, deadLetters, metrics, Ids::isUser);
  }

  public DecodingProcessor(AvroSerde<V> serde, String next, String deadLetters, TopologyMetrics metrics, Predicate<String> validKey) {
    this.serde = serde;
    this.next = next;
    this.deadLetters = deadLetters;
    this.metrics = metrics;
    this.validKey = validKey;
  }

  @Override
  public void init(ProcessorContext<Object, Object> context) {
    this.context = context;
  }

  @Override
  public void process(Record<String, byte[]> record) {
    if (!validKey.test(record.key())) {
      deadLetter(record, "key is not a valid id for this topic");
      return;
    }
    if (record.value() == null) {
      deadLetter(record, "empty value");
      return;
    }
    V decoded;
    try {
      decoded = serde.decode(record.value());
    } catch (RuntimeException e) {
      deadLetter(record, e.getMessage());
      return;
    }
    context.forward(new Record<Object, Object>(record.key(), decoded, record.timestamp(), record.headers()), next);
  }

  private void deadLetter(Record<String, byte[]> record, String reason) {
    String topic = context.recordMetadata().map(RecordMetadata::topic).orElse("unknown");
    Headers headers = new RecordHeaders(record.headers().toArray());
    headers.add(REASON, utf8(reason));
    headers.add(SOURCE_TOPIC, utf8(topic));
    context.recordMetadata().ifPresent(m -> {
      headers.add(SOURCE_PARTITION, utf8(String.valueOf(m.partition())));
      headers.add(SOURCE_OFFSET, utf8(String.valueOf(m.offset())));
    });
    byte[] key = record.key() == null ? null : utf8(record.key());
    context.forward(new Record<Object, Object>(key, record.value(), record.timestamp(), headers), deadLetters);
    metrics.deadLetter(topic);
    log.warn("sent a record of {} to the dead-letter topic: {}", topic, reason);
  }

  private static byte[] utf8(String s) {
    return (s == null ? "" : s).getBytes(StandardCharsets.UTF_8);
  }
}
