package io.parley.topology.handoff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
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
