package io.parley.devstack;

import io.parley.kafka.Topic;
import io.parley.kafka.Topics;
import io.parley.schemas.ChatMessage;
import io.parley.schemas.Delivery;
import io.parley.schemas.Receipt;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * What the topics themselves say happened in a crash test: which deliveries the gateways read from
 * transactions that then aborted, and how many hand-offs were written twice (once before the crash,
 * once by the replay), for the receiving mailbox to drop.
 */
final class TopicEvidence implements AutoCloseable {
  /** {@code io.parley.topology.handoff.Origins}' stamp header (package-private there). */
  private static final String ORIGIN = "parley.origin";

  /** One record of a delivery topic: where it is, whether a committed transaction holds it, what it carries. */
  record Routed(String topic, int partition, long offset, boolean committed, String user, long seq, String what) {
    @Override
    public String toString() {
      return topic + "-" + partition + "@" + offset + (committed ? " committed " : " ABORTED ") + user + " seq " + seq + " " + what;
    }
  }

  private final String bootstrap;
  private final Topics topics;
  private final Admin admin;

  TopicEvidence(String bootstrap, Topics topics) {
    this.bootstrap = bootstrap;
    this.topics = topics;
    this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
  }

  /**
   * Whether a transaction of this Streams process (its transactional ids hold its process id) is
   * open, has written deliveries, and began less than {@code youngerThan} ago (so it will not commit
   * before a kill lands): a kill now aborts deliveries the gateways may already have read.
   */
  boolean deliveringInOpenTransaction(String processId, Duration youngerThan) throws Exception {
    List<String> ids = admin.listTransactions().all().get().stream()
        .filter(t -> t.state() == TransactionState.ONGOING && t.transactionalId().contains(processId))
        .map(TransactionListing::transactionalId).toList();
    if (ids.isEmpty()) {
      return false;
    }
    long since = System.currentTimeMillis() - youngerThan.toMillis();
    return admin.describeTransactions(ids).all().get().values().stream()
        .filter(d -> d.state() == TransactionState.ONGOING && d.transactionStartTimeMs().orElse(0) > since)
        .flatMap(d -> d.topicPartitions().stream())
        .anyMatch(tp -> tp.topic().startsWith(topics.deliveriesPrefix()));
  }

  /** Every delivery routed to these gateways, marked committed or not (read once each way). */
  List<Routed> deliveries(Collection<String> gateways) {
    List<Routed> out = new ArrayList<>();
    for (String gateway : gateways) {
      Topic<String, Delivery> topic = topics.deliveries(gateway);
      Set<String> committed = new HashSet<>();
      readAll(topic.name(), "read_committed", r -> committed.add(r.partition() + "@" + r.offset()));
      readAll(topic.name(), "read_uncommitted", r -> {
        Delivery d = topic.valueSerde().deserializer().deserialize(r.topic(), r.value());
        out.add(new Routed(r.topic(), r.partition(), r.offset(), committed.contains(r.partition() + "@" + r.offset()),
            d.getUser(), d.getSeq(), describe(d)));
      });
    }
    return out;
  }

  private static String describe(Delivery d) {
    if (d.getNotice() != null) {
      return "notice " + d.getNotice().getCode();
    }
    if (d.getEnvelope().getPayload() instanceof ChatMessage m) {
      return "message " + m.getId() + " from " + m.getFrom();
    }
    Receipt r = (Receipt) d.getEnvelope().getPayload();
    return "receipt " + r.getStatus() + " of " + r.getMessageId() + " by " + r.getBy();
  }

  /**
   * Hand-offs into these users' mailboxes whose origin stamp was written before: the copies a replay
   * wrote again, which the receiving mailbox must drop.
   */
  int handoffsWrittenAgain(Set<String> users) {
    Set<String> stamps = new HashSet<>();
    int[] again = {0};
    readAll(topics.mailbox().name(), "read_uncommitted", r -> {
      Header h = r.headers().lastHeader(ORIGIN);
      if (h == null || r.key() == null || !users.contains(new String(r.key(), StandardCharsets.UTF_8))) {
        return;
      }
      if (!stamps.add(r.partition() + ":" + new String(h.value(), StandardCharsets.ISO_8859_1))) {
        again[0]++;
      }
    });
    return again[0];
  }

  /** Whether any record of {@code topic} has this key (e.g. the relay published a group's members). */
  boolean hasKey(String topic, String key) {
    boolean[] found = {false};
    readAll(topic, "read_committed", r -> found[0] |= r.key() != null && key.equals(new String(r.key(), StandardCharsets.UTF_8)));
    return found[0];
  }

  /**
   * What the cluster says about a stalled message path, for a failure's message: every partition
   * whose last stable offset trails its end (an open transaction holds read_committed readers back)
   * with the producers that hold it, every transaction not yet complete, and every consumer group's
   * lag per partition; then the stacks of this JVM's stream and delivery threads.
   */
  String stallReport() {
    StringBuilder out = new StringBuilder("--- Kafka\n");
    try {
      Set<String> names = admin.listTopics().names().get(10, TimeUnit.SECONDS);
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      Map<TopicPartition, String> where = new HashMap<>();
      for (var d : admin.describeTopics(names).allTopicNames().get(10, TimeUnit.SECONDS).values()) {
        for (var p : d.partitions()) {
          TopicPartition tp = new TopicPartition(d.name(), p.partition());
          latest.put(tp, OffsetSpec.latest());
          where.put(tp, "leader " + (p.leader() == null ? "none" : p.leader().id()) + " isr "
              + p.isr().stream().map(n -> String.valueOf(n.id())).toList());
        }
      }
      var ends = admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS);
      var stable = admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all().get(10, TimeUnit.SECONDS);
      List<TopicPartition> held = new ArrayList<>();
      for (TopicPartition tp : latest.keySet()) {
        long end = ends.get(tp).offset();
        long lso = stable.get(tp).offset();
        if (lso < end) {
          held.add(tp);
          out.append(String.format("held %s: end %d, stable %d, %s%n", tp, end, lso, where.get(tp)));
        }
      }
      if (!held.isEmpty()) {
        admin.describeProducers(held).all().get(10, TimeUnit.SECONDS).forEach((tp, d) ->
            d.activeProducers().stream().filter(s -> s.currentTransactionStartOffset().isPresent()).forEach(s ->
                out.append(String.format("  %s: producer %d epoch %d transaction from offset %d, last write %d ms ago%n", tp,
                    s.producerId(), s.producerEpoch(), s.currentTransactionStartOffset().getAsLong(),
                    System.currentTimeMillis() - s.lastTimestamp()))));
      }
      List<String> open = admin.listTransactions().all().get(10, TimeUnit.SECONDS).stream()
          .filter(t -> t.state() != TransactionState.EMPTY && t.state() != TransactionState.COMPLETE_COMMIT
              && t.state() != TransactionState.COMPLETE_ABORT)
          .map(TransactionListing::transactionalId).toList();
      if (!open.isEmpty()) {
        admin.describeTransactions(open).all().get(10, TimeUnit.SECONDS).forEach((id, d) ->
            out.append(String.format("transaction %s: %s producer %d epoch %d coordinator %d, started %s ms ago, partitions %s%n", id,
                d.state(), d.producerId(), d.producerEpoch(), d.coordinatorId(),
                d.transactionStartTimeMs().isPresent() ? System.currentTimeMillis() - d.transactionStartTimeMs().getAsLong() : "-",
                d.topicPartitions())));
      }
      for (var g : admin.listConsumerGroups().all().get(10, TimeUnit.SECONDS)) {
        var offsets = admin.listConsumerGroupOffsets(g.groupId()).partitionsToOffsetAndMetadata()
            .get(10, TimeUnit.SECONDS);
        StringBuilder lags = new StringBuilder();
        offsets.forEach((tp, o) -> {
          if (o != null && stable.containsKey(tp) && stable.get(tp).offset() > o.offset()) {
            lags.append(' ').append(tp).append('=').append(stable.get(tp).offset() - o.offset());
          }
        });
        out.append("group ").append(g.groupId()).append(' ').append(g.groupState().map(Object::toString).orElse("?"))
            .append(lags.length() == 0 ? " no lag" : " lag" + lags).append('\n');
      }
    } catch (Exception e) {
      out.append("the cluster did not answer: ").append(e).append('\n');
    }
    out.append("--- threads\n");
    Thread.getAllStackTraces().forEach((t, stack) -> {
      if (t.getName().contains("StreamThread") || t.getName().startsWith("deliveries-")) {
        out.append(t.getName()).append(' ').append(t.getState()).append('\n');
        for (int i = 0; i < Math.min(stack.length, 12); i++) {
          out.append("    at ").append(stack[i]).append('\n');
        }
      }
    });
    return out.toString();
  }

  private void readAll(String topic, String isolation, Consumer<ConsumerRecord<byte[], byte[]>> each) {
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation,
        ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
          .map(p -> new TopicPartition(topic, p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      // Under read_committed the end is the last stable offset: an open transaction counts as not committed.
      Map<TopicPartition, Long> end = new HashMap<>(consumer.endOffsets(partitions));
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (System.nanoTime() < deadline && partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          each.accept(r);
        }
      }
    }
  }

  @Override
  public void close() {
    admin.close();
  }
}
