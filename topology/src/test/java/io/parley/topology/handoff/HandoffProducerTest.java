package io.parley.topology.handoff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.parley.kafka.Topics;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HandoffProducerTest {
  private final List<MockProducer<String, byte[]>> made = new ArrayList<>();
  private HandoffProducer handoffs;

  @BeforeEach
  void start() {
    handoffs = new HandoffProducer(() -> {
      MockProducer<String, byte[]> p = new MockProducer<>(false, null, new StringSerializer(), new ByteArraySerializer());
      made.add(p);
      return p;
    });
  }

  @AfterEach
  void stop() {
    handoffs.close();
  }

  private static ProducerRecord<String, byte[]> receipt(String user) {
    return new ProducerRecord<>("parley.mailbox", user, new byte[] {1});
  }

  @Test
  void shouldPartitionAKeyAsTheProducerDoesAndCountTheTopicsOwnPartitions() {
    List<PartitionInfo> eight = IntStream.range(0, 8)
        .mapToObj(i -> new PartitionInfo("parley.mailbox", i, Node.noNode(), new Node[0], new Node[0])).toList();
    Cluster cluster = new Cluster("c", List.of(), eight, Set.of(), Set.of());
    MockProducer<String, byte[]> producer =
        new MockProducer<>(cluster, true, null, new StringSerializer(), new ByteArraySerializer());
    // KafkaProducer.partition's choice for a record with a key, no partition and no partitioner.
    for (String user : List.of("alice", "bob", "carol", "dave", "member17", "zoe")) {
      int chosen = BuiltInPartitioner.partitionForKey(user.getBytes(StandardCharsets.UTF_8), 8);
      assertThat(Handoff.partitionOf(user, 8)).as(user).isEqualTo(chosen);
    }
    try (HandoffProducer real = new HandoffProducer(() -> producer)) {
      assertThat(real.handoffs().partitions(Topics.withDefaults().mailbox())).isEqualTo(8);
    }
  }

  @Test
  void shouldLetTheCommitGoOnceEveryHandoffIsAcknowledged() {
    handoffs.send(receipt("alice"));
    handoffs.send(receipt("carol"));

    handoffs.flushSentBy();

    assertThat(made.get(0).history()).extracting(ProducerRecord::key).containsExactly("alice", "carol");
  }

  @Test
  void shouldFailTheCommitWhenAHandoffWasNotAcknowledged() {
    handoffs.send(receipt("alice"));
    made.get(0).errorNext(new NotEnoughReplicasException("ISR too small"));

    assertThatThrownBy(handoffs::flushSentBy).isInstanceOf(KafkaException.class)
        .hasRootCauseInstanceOf(NotEnoughReplicasException.class);
  }

  @Test
  void shouldSendLaterHandoffsThroughAFreshProducerAfterAFailure() {
    handoffs.send(receipt("alice"));
    made.get(0).errorNext(new NotEnoughReplicasException("ISR too small"));
    assertThatThrownBy(handoffs::flushSentBy).isInstanceOf(KafkaException.class);

    handoffs.send(receipt("alice"));
    handoffs.flushSentBy();

    assertThat(made).hasSize(2);
    assertThat(made.get(0).closed()).isTrue();
    assertThat(made.get(1).history()).hasSize(1);
  }

  @Test
  void shouldFailTheCommitOfAnotherThreadThatUsedTheFailedProducer() throws Exception {
    ExecutorService otherThread = Executors.newSingleThreadExecutor();
    try {
      otherThread.submit(() -> handoffs.send(receipt("carol"))).get();
      handoffs.send(receipt("alice"));
      made.get(0).errorNext(new NotEnoughReplicasException("ISR too small"));
      assertThatThrownBy(handoffs::flushSentBy).isInstanceOf(KafkaException.class);

      // carol's hand-off went through the producer that failed: that thread's commit must fail too.
      Future<?> commit = otherThread.submit(handoffs::flushSentBy);

      assertThatThrownBy(commit::get).hasCauseInstanceOf(KafkaException.class);
    } finally {
      otherThread.shutdownNow();
    }
  }

  @Test
  void shouldWaitForNothingWhenThisThreadSentNothing() {
    Thread sender = new Thread(() -> handoffs.send(receipt("carol")));
    sender.start();

    handoffs.flushSentBy();

    assertThat(made.get(0).history()).hasSizeLessThanOrEqualTo(1);
  }
}
