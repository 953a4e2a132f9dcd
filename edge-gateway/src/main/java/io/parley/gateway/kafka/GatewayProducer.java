package io.parley.gateway.kafka;

import io.parley.kafka.Topic;
import io.parley.kafka.Topics;
import io.parley.schemas.AppEvent;
import io.parley.schemas.GatewayLease;
import io.parley.schemas.GroupMessage;
import io.parley.schemas.Heartbeat;
import io.parley.schemas.MailboxCommand;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Everything a gateway writes to Kafka. acks=all with idempotence: a future completes only when every
 * in-sync replica has the record, which is when the client may be told {@code sent}.
 */
public final class GatewayProducer implements AutoCloseable {
  private final Producer<String, byte[]> producer;
  private final Topics topics;

  public GatewayProducer(String bootstrapServers, String clientId, Topics topics, Duration linger) {
    this.topics = topics;
    this.producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        ProducerConfig.CLIENT_ID_CONFIG, clientId,
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
        ProducerConfig.LINGER_MS_CONFIG, (int) linger.toMillis(),
        ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4",
        // A send that cannot reach Kafka fails within seconds: the client gets an error and resends.
        ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000,
        ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000,
        ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000),
        new StringSerializer(), new ByteArraySerializer());
  }

  public CompletableFuture<RecordMetadata> mailbox(String user, MailboxCommand command) {
    return send(topics.mailbox(), user, command);
  }

  public CompletableFuture<RecordMetadata> group(String group, GroupMessage message) {
    return send(topics.groupMessages(), group, message);
  }

  public CompletableFuture<RecordMetadata> heartbeat(Heartbeat heartbeat) {
    return send(topics.heartbeats(), heartbeat.getUser(), heartbeat);
  }

  public CompletableFuture<RecordMetadata> event(AppEvent event) {
    return send(topics.events(), event.getUser(), event);
  }

  public CompletableFuture<RecordMetadata> lease(GatewayLease lease) {
    return send(topics.gateways(), lease.getGateway(), lease);
  }

  /** Raw bytes, for the dead-letter topic. */
  public CompletableFuture<RecordMetadata> raw(ProducerRecord<String, byte[]> record) {
    return sendRecord(record);
  }

  private <V> CompletableFuture<RecordMetadata> send(Topic<String, V> topic, String key, V value) {
    return sendRecord(new ProducerRecord<>(topic.name(), key, topic.valueSerde().serializer().serialize(topic.name(), value)));
  }

  private CompletableFuture<RecordMetadata> sendRecord(ProducerRecord<String, byte[]> record) {
    CompletableFuture<RecordMetadata> done = new CompletableFuture<>();
    try {
      producer.send(record, (metadata, error) -> {
        if (error != null) {
          done.completeExceptionally(error);
        } else {
          done.complete(metadata);
        }
      });
    } catch (RuntimeException e) {
      done.completeExceptionally(e);
    }
    return done;
  }

  public java.util.Map<org.apache.kafka.common.MetricName, ? extends org.apache.kafka.common.Metric> metrics() {
    return producer.metrics();
  }

  public void flush() {
    producer.flush();
  }

  /** Closes after at most {@code timeout}; zero abandons whatever is unsent, as a crash would. */
  public void close(Duration timeout) {
    producer.close(timeout);
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(10));
  }
}
