package io.parley.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.gateway.GatewayServer;
import io.parley.kafka.Topics;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A gateway that dies without a word loses no message: the mailbox resends what was not acknowledged. */
@Timeout(180)
class GatewayCrashIT {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static StackFixture it;

  @BeforeAll
  static void start() throws Exception {
    it = new StackFixture(2, Map.of("gateway.sends.per.second", "1000"));
    it.users("alice", "bob", "carol", "dave");
  }

  @AfterAll
  static void stop() throws Exception {
    it.close();
  }

  @Test
  void shouldLoseNothingWhenTheRecipientsGatewayCrashesMidStream() throws Exception {
    GatewayServer doomed = it.stack.startGateway("gw-doomed", 0);
    WsClient sender = it.connect(0, "alice", "phone");
    WsClient bob = it.connect(doomed, "bob", "phone");
    int total = 200;
    Set<Long> received = new TreeSet<>();
    Set<String> bodies = new TreeSet<>();

    for (int i = 0; i < total; i++) {
      sender.send("bob", "n" + i);
      if (i == 80) {
        // Bob has read and acknowledged what reached him so far; then his gateway dies mid-stream.
        for (JsonNode m : bob.drain("message", Duration.ofMillis(300))) {
          received.add(m.get("seq").asLong());
          bodies.add(m.get("body").asText());
          bob.ack(m.get("seq").asLong(), "delivered");
        }
        doomed.crash();
      }
    }
    for (int i = 0; i < total; i++) {
      sender.next("sent", WAIT);
    }
    assertThat(received).isNotEmpty();

    WsClient again = it.connect(1, "bob", "phone");
    while (bodies.size() < total) {
      JsonNode m = again.next("message", WAIT);
      received.add(m.get("seq").asLong());
      bodies.add(m.get("body").asText());
      again.ack(m.get("seq").asLong(), "delivered");
    }

    assertThat(bodies).hasSize(total);
    assertThat(received).hasSize(total).first().isEqualTo(1L);
    assertThat(received).last().isEqualTo((long) total);
  }

  @Test
  void shouldStopRoutingToACrashedGatewayOnceItsLeaseLapses() throws Exception {
    GatewayServer doomed = it.stack.startGateway("gw-lapsed", 0);
    WsClient carol = it.connect(doomed, "carol", "phone");
    WsClient sender = it.connect(0, "dave", "phone");
    sender.send("carol", "before");
    carol.next("message", WAIT);
    doomed.crash();

    // The lease timeout here is 6 s (StackFixture): wait it out, then send while carol is offline.
    Thread.sleep(9_000);
    String marker = "after-" + UUID.randomUUID();
    sender.send("carol", marker);
    sender.next("sent", WAIT);
    Thread.sleep(2_000);

    assertThat(routedTo("gw-lapsed")).noneMatch(v -> v.contains(marker));
    WsClient back = it.connect(1, "carol", "phone");
    assertThat(back.next(f -> f.path("body").asText().equals(marker), WAIT)).isNotNull();
  }

  /** Every record ever routed to a gateway's delivery topic, as text. */
  private static java.util.List<String> routedTo(String gateway) {
    String topic = Topics.withDefaults().deliveries(gateway).name();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, it.stack.bootstrapServers(),
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      var partitions = consumer.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      java.util.List<String> out = new java.util.ArrayList<>();
      long deadline = System.currentTimeMillis() + 3_000;
      while (System.currentTimeMillis() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          out.add(new String(r.value(), java.nio.charset.StandardCharsets.ISO_8859_1));
        }
      }
      return out;
    }
  }
}
