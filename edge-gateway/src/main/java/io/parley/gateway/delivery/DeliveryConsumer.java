package io.parley.gateway.delivery;

import io.parley.gateway.GatewayMetrics;
import io.parley.gateway.frames.OutboundFrames;
import io.parley.gateway.kafka.GatewayProducer;
import io.parley.gateway.session.ClientSocket;
import io.parley.gateway.session.Connections;
import io.parley.kafka.Topic;
import io.parley.kafka.Topics;
import io.parley.schemas.ChatMessage;
import io.parley.schemas.Delivery;
import io.parley.schemas.DeliveryTarget;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads this gateway's own delivery topic and writes each delivery to the sockets it names.
 *
 * <p>It starts at the end of the topic: anything routed to an earlier incarnation of this gateway
 * was for sessions that no longer exist, and the mailbox sends it again when those devices
 * reconnect. Positions are fixed before the gateway accepts its first socket, so nothing routed to
 * a new session is skipped. When sockets cannot keep up, it pauses rather than buffer without bound.
 */
public final class DeliveryConsumer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DeliveryConsumer.class);
  /** The mailbox's notice that a device has a newer session elsewhere (see MailboxProcessor). */
  static final String SESSION_REPLACED = "session_replaced";

  private final KafkaConsumer<String, byte[]> consumer;
  private final Topic<String, Delivery> topic;
  private final Connections connections;
  private final GatewayMetrics metrics;
  private final GatewayProducer deadLetters;
  private final Topics topics;
  private final long pauseAboveBytes;
  private final Thread thread;
  private final CountDownLatch positioned = new CountDownLatch(1);
  private volatile boolean running = true;
  private volatile Throwable startFailure;

  public DeliveryConsumer(String bootstrapServers, Topics topics, String gatewayId, Connections connections,
      GatewayMetrics metrics, GatewayProducer deadLetters, long pauseAboveBytes) {
    this.topics = topics;
    this.topic = topics.deliveries(gatewayId);
    this.connections = connections;
    this.metrics = metrics;
    this.deadLetters = deadLetters;
    this.pauseAboveBytes = pauseAboveBytes;
    this.consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        ConsumerConfig.CLIENT_ID_CONFIG, "parley-gateway-" + gatewayId,
        // Deliveries are read before the topology's transaction commits, so no message waits for a
        // commit. A delivery from a transaction that then aborts is written again, with the same seq
        // and content, when the task replays its input (docs/architecture.md, "The fast path"); the
        // client drops the second copy by seq.
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted",
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
        ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1000,
        // A fetch ends as soon as a record lands (read uncommitted: no commit to wait for); this
        // only bounds how often an idle gateway asks.
        ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 2000),
        new StringDeserializer(), new ByteArrayDeserializer());
    this.thread = new Thread(this::run, "deliveries-" + gatewayId);
    this.thread.setDaemon(true);
  }

  /** Starts reading and returns once positions are fixed at the end of the topic. */
  public void start(Duration timeout) throws InterruptedException {
    thread.start();
    if (!positioned.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException("delivery consumer for " + topic.name() + " did not start within " + timeout);
    }
    if (startFailure != null) {
      throw new IllegalStateException("delivery consumer for " + topic.name() + " failed to start", startFailure);
    }
  }

  private void run() {
    try {
      List<TopicPartition> partitions = consumer.partitionsFor(topic.name(), Duration.ofSeconds(30)).stream()
          .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToEnd(partitions);
      partitions.forEach(consumer::position);
    } catch (RuntimeException e) {
      startFailure = e;
      positioned.countDown();
      consumer.close();
      return;
    }
    positioned.countDown();
    boolean paused = false;
    try {
      while (running) {
        paused = applyBackpressure(paused);
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          dispatch(record);
        }
      }
    } catch (WakeupException e) {
      // closing
    } catch (RuntimeException e) {
      log.error("delivery consumer of {} stopped", topic.name(), e);
    } finally {
      consumer.close(Duration.ofSeconds(5));
    }
  }

  private boolean applyBackpressure(boolean paused) {
    long queued = connections.queuedBytes();
    if (!paused && queued > pauseAboveBytes) {
      consumer.pause(consumer.assignment());
      metrics.consumerPaused(true);
      log.warn("sockets hold {} queued bytes; pausing deliveries", queued);
      return true;
    }
    if (paused && queued < pauseAboveBytes / 2) {
      consumer.resume(consumer.assignment());
      metrics.consumerPaused(false);
      return false;
    }
    return paused;
  }

  private void dispatch(ConsumerRecord<String, byte[]> record) {
    Delivery delivery;
    try {
      delivery = topic.valueSerde().deserializer().deserialize(record.topic(), record.value());
      if (delivery == null || (delivery.getEnvelope() == null && delivery.getNotice() == null)) {
        throw new IllegalArgumentException("empty delivery");
      }
    } catch (RuntimeException e) {
      metrics.corruptDelivery();
      log.warn("undecodable delivery at {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), e.getMessage());
      ProducerRecord<String, byte[]> dead = new ProducerRecord<>(topics.deadLetters().name(), record.key(), record.value());
      dead.headers().add("parley.dlq.topic", record.topic().getBytes(StandardCharsets.UTF_8));
      dead.headers().add("parley.dlq.reason", String.valueOf(e.getMessage()).getBytes(StandardCharsets.UTF_8));
      deadLetters.raw(dead);
      return;
    }
    String frame = OutboundFrames.delivery(delivery);
    String type = OutboundFrames.typeOf(delivery);
    long sentAt = delivery.getEnvelope() != null && delivery.getEnvelope().getPayload() instanceof ChatMessage m ? m.getSentAt() : -1;
    for (DeliveryTarget target : delivery.getTargets()) {
      ClientSocket socket = connections.get(delivery.getUser(), target.getDevice());
      if (socket == null || !socket.sessionId().equals(target.getSession())) {
        metrics.staleDelivery();
        continue;
      }
      if (delivery.getNotice() != null && SESSION_REPLACED.equals(delivery.getNotice().getCode())) {
        socket.closeWith(ClientSocket.CLOSE_REPLACED, "replaced by a newer connection of this device", "replaced");
        continue;
      }
      socket.write(frame, type);
      if (sentAt > 0) {
        metrics.delivered(System.currentTimeMillis() - sentAt);
      }
    }
  }

  @Override
  public void close() {
    running = false;
    consumer.wakeup();
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The consumer's own metrics (fetch lag, rates), for a process running one gateway; safe from any thread. */
  public java.util.Map<org.apache.kafka.common.MetricName, ? extends org.apache.kafka.common.Metric> metrics() {
    return consumer.metrics();
  }
}
