package io.parley.directory.events;

import io.parley.directory.Directory;
import io.parley.kafka.Topic;
import io.parley.schemas.AppEvent;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records each sign-in as a {@code signed_in} event on the events topic, keyed by the user. The
 * sign-in's own record, the device registration on the mailbox topic, is what the sign-in waits for;
 * this one is for last seen and the data team's counts, so it is sent without holding up the answer,
 * and one lost to a Kafka outage is logged and counted, not retried.
 */
public final class SignInEvents implements Directory.SignInRecorder, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SignInEvents.class);
  public static final String SIGNED_IN = "signed_in";
  public static final String SOURCE = "directory";

  private final Producer<String, AppEvent> producer;
  private final String topic;
  private final AtomicLong lost = new AtomicLong();

  public SignInEvents(Producer<String, AppEvent> producer, String topic) {
    this.producer = producer;
    this.topic = topic;
  }

  public static SignInEvents connect(String bootstrapServers, Topic<String, AppEvent> events) {
    Producer<String, AppEvent> producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        ProducerConfig.CLIENT_ID_CONFIG, "parley-directory-events",
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
        ProducerConfig.LINGER_MS_CONFIG, 5,
        // never block a sign-in's thread for long when Kafka is away
        ProducerConfig.MAX_BLOCK_MS_CONFIG, 1_000,
        ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000,
        ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000),
        new StringSerializer(), events.valueSerde().serializer());
    return new SignInEvents(producer, events.name());
  }

  @Override
  public void signedIn(String user, String device, long at) {
    AppEvent event = new AppEvent(user, device, SIGNED_IN, at, null, SOURCE);
    try {
      producer.send(new ProducerRecord<>(topic, user, event), (md, error) -> {
        if (error != null) {
          lost(user, error);
        }
      });
    } catch (RuntimeException e) {
      lost(user, e);
    }
  }

  private void lost(String user, Throwable error) {
    lost.incrementAndGet();
    log.warn("sign-in event of {} not recorded: {}", user, error.toString());
  }

  /** Sign-in events Kafka did not take. */
  public long lost() {
    return lost.get();
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(5));
  }
}
