package io.parley.directory.groups;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.parley.kafka.Topic;
import io.parley.schemas.GroupMembers;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes membership changes from the outbox table to the compacted group-members topic, in
 * order, then deletes them. A crash after publishing and before deleting publishes them again on
 * restart: the topology keeps the highest version, so a repeat changes nothing. A crash before
 * publishing loses nothing: the rows are still there. Kafka and MySQL never disagree for longer than
 * the relay is down.
 */
public final class OutboxRelay implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);
  private static final String LOCK = "parley.membership-outbox-relay";
  private static final int BATCH = 500;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Jdbi jdbi;
  private final Topic<String, GroupMembers> topic;
  private final Producer<String, GroupMembers> producer;
  private final ScheduledExecutorService timer;
  private Handle lockHandle;

  public OutboxRelay(Jdbi jdbi, String bootstrapServers, Topic<String, GroupMembers> topic) {
    this.jdbi = jdbi;
    this.topic = topic;
    this.producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        ProducerConfig.CLIENT_ID_CONFIG, "parley-directory-relay",
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
        ProducerConfig.LINGER_MS_CONFIG, 1),
        new StringSerializer(), topic.valueSerde().serializer());
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "membership-relay");
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Polls every {@code interval} for rows any directory wrote (another instance's, or left by a
   * crash); {@link #wake} publishes this process's own changes at once.
   */
  public void start(Duration interval) {
    timer.scheduleWithFixedDelay(this::drainSafely, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Publishes what is waiting now, without waiting for the next poll (a no-op once closed). */
  public void wake() {
    try {
      timer.execute(this::drainSafely);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      log.debug("membership relay is closed; not woken");
    }
  }

  private void drainSafely() {
    try {
      if (holdsLock()) {
        while (drainOnce() == BATCH) {
          // keep going while full batches come back
        }
      }
    } catch (Exception e) {
      log.warn("membership relay will retry: {}", e.toString());
      releaseLock();
    }
  }

  /** Publishes up to one batch, waits for Kafka to have all of it, then deletes it. */
  public int drainOnce() throws Exception {
    List<OutboxRow> rows = jdbi.withExtension(MembershipOutbox.class, o -> o.oldest(BATCH));
    if (rows.isEmpty()) {
      return 0;
    }
    List<Future<RecordMetadata>> sent = rows.stream().map(row -> producer.send(new ProducerRecord<>(
        topic.name(), row.groupId(), toRecord(row)))).toList();
    for (Future<RecordMetadata> f : sent) {
      f.get(30, TimeUnit.SECONDS);
    }
    long last = rows.get(rows.size() - 1).seq();
    jdbi.useExtension(MembershipOutbox.class, o -> o.deleteThrough(last));
    return rows.size();
  }

  private static GroupMembers toRecord(OutboxRow row) {
    try {
      List<String> members = JSON.readValue(row.members(), new TypeReference<List<String>>() { });
      return new GroupMembers(row.groupId(), row.version(), members, row.deleted());
    } catch (Exception e) {
      throw new IllegalStateException("outbox row " + row.seq() + " holds no member list", e);
    }
  }

  private boolean holdsLock() {
    if (lockHandle != null) {
      return true;
    }
    Handle handle = jdbi.open();
    Integer got = handle.attach(MembershipOutbox.class).tryLock(LOCK);
    if (got != null && got == 1) {
      lockHandle = handle;
      return true;
    }
    handle.close();
    return false;
  }

  private void releaseLock() {
    if (lockHandle != null) {
      try {
        lockHandle.attach(MembershipOutbox.class).unlock(LOCK);
      } catch (RuntimeException e) {
        log.debug("relay lock release failed (the connection may be gone): {}", e.toString());
      }
      lockHandle.close();
      lockHandle = null;
    }
  }


  @Override
  public void close() {
    timer.shutdown();
    try {
      timer.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    releaseLock();
    producer.close(Duration.ofSeconds(10));
  }
}
