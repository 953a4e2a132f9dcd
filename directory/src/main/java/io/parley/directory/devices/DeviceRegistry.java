package io.parley.directory.devices;

import io.parley.kafka.Topic;
import io.parley.schemas.DeviceRegistered;
import io.parley.schemas.DeviceRemoved;
import io.parley.schemas.MailboxCommand;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Tells a user's mailbox that a device signed in or out, on the mailbox topic keyed by the user, and
 * returns only once every replica has the command: a sign-in answered before that could hand out a
 * token for a device the mailbox keeps nothing for.
 */
public final class DeviceRegistry implements AutoCloseable {
  /** How long a sign-in or sign-out waits for Kafka before it is answered 503. */
  static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final Producer<String, MailboxCommand> producer;
  private final String topic;
  private final Clock clock;

  /** Kafka could not confirm the command: the caller answers 503 and the client tries again. */
  public static final class Unavailable extends RuntimeException {
    Unavailable(String message, Throwable cause) {
      super(message, cause);
    }
  }

  public DeviceRegistry(Producer<String, MailboxCommand> producer, String topic, Clock clock) {
    this.producer = producer;
    this.topic = topic;
    this.clock = clock;
  }

  /** An idempotent, acks=all producer that gives up within {@link #TIMEOUT}. */
  public static DeviceRegistry connect(String bootstrapServers, Topic<String, MailboxCommand> mailbox) {
    int timeoutMs = (int) TIMEOUT.toMillis();
    Producer<String, MailboxCommand> producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        ProducerConfig.CLIENT_ID_CONFIG, "parley-directory-devices",
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
        ProducerConfig.LINGER_MS_CONFIG, 0,
        ProducerConfig.MAX_BLOCK_MS_CONFIG, timeoutMs / 2,
        ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, timeoutMs / 2,
        ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, timeoutMs),
        new StringSerializer(), mailbox.valueSerde().serializer());
    return new DeviceRegistry(producer, mailbox.name(), Clock.systemUTC());
  }

  /** The device signed in: from now on the user's inbox keeps what arrives for it. */
  public void registered(String user, String device) {
    send(user, new MailboxCommand(new DeviceRegistered(device, clock.millis())), "register");
  }

  /** The device signed out: the mailbox forgets it and ends its session. */
  public void removed(String user, String device) {
    send(user, new MailboxCommand(new DeviceRemoved(device, clock.millis())), "remove");
  }

  private void send(String user, MailboxCommand command, String what) {
    try {
      producer.send(new ProducerRecord<>(topic, user, command)).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Unavailable("interrupted while asking the mailbox to " + what + " a device of " + user, e);
    } catch (ExecutionException | TimeoutException | KafkaException e) {
      Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
      throw new Unavailable("the mailbox topic did not take the command to " + what + " a device of " + user + ": " + cause, cause);
    }
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(5));
  }
}
