package io.parley.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.parley.directory.DirectoryService;
import io.parley.directory.groups.MembershipOutbox;
import io.parley.directory.groups.OutboxRelay;
import io.parley.kafka.Topics;
import io.parley.schemas.GroupMembers;
import io.parley.schemas.serde.AvroSerde;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The membership outbox relay against real MariaDB and Kafka, across a relay restart. */
@Timeout(180)
class OutboxRelayIT {
  private static StackFixture it;
  private static DirectoryService directory;
  private static final Topics TOPICS = Topics.withDefaults();

  @BeforeAll
  static void start() throws Exception {
    it = new StackFixture(1);
    directory = it.stack.service(DirectoryLocalService.class).directory();
    it.users("ola", "per", "rut", "siv");
    directory.relay().close(); // each test runs its own relays
  }

  private static OutboxRelay relay() {
    return new OutboxRelay(directory.database().jdbi(), it.stack.bootstrapServers(), TOPICS.groupMembers());
  }

  @AfterAll
  static void stop() throws Exception {
    it.close();
  }

  private static List<GroupMembers> published(String group) {
    String topic = TOPICS.groupMembers().name();
    AvroSerde<GroupMembers> serde = AvroSerde.of(GroupMembers.class);
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, it.stack.bootstrapServers()), new StringDeserializer(),
        new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      List<GroupMembers> out = new ArrayList<>();
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        consumer.poll(Duration.ofMillis(200)).forEach(r -> {
          if (group.equals(r.key())) {
            out.add(serde.decode(r.value()));
          }
        });
      }
      return out;
    }
  }

  @Test
  void shouldPublishEveryChangeInOrderAndCatchUpAfterARelayRestart() throws Exception {
    var rules = directory.directory();
    String group = rules.createGroup("ola", "Relay", List.of("per")).id();
    try (OutboxRelay running = relay()) {
      running.start(Duration.ofMillis(100));
      await().atMost(Duration.ofSeconds(20)).until(() -> published(group).size() == 1);
    }

    // The relay is down; changes keep landing in MySQL's outbox, nothing reaches Kafka.
    rules.addMember("ola", group, "rut");
    rules.addMember("ola", group, "siv");
    rules.removeMember("ola", group, "per");
    long pending = directory.database().jdbi().withExtension(MembershipOutbox.class, MembershipOutbox::pending);
    assertThat(pending).isEqualTo(3);
    assertThat(published(group)).hasSize(1);

    // A new relay (as after a crash or a redeploy) publishes the backlog in order and drains the table.
    try (OutboxRelay relay = relay()) {
      relay.start(Duration.ofMillis(100));
      await().atMost(Duration.ofSeconds(20)).until(() -> published(group).size() == 4);
      List<GroupMembers> sets = published(group);
      assertThat(sets).extracting(GroupMembers::getVersion).containsExactly(1L, 2L, 3L, 4L);
      assertThat(sets.get(3).getMembers()).containsExactly("ola", "rut", "siv");
      assertThat(directory.database().jdbi().withExtension(MembershipOutbox.class, MembershipOutbox::pending)).isZero();
    }
  }

  @Test
  void shouldRepublishRatherThanLoseWhenItStopsBetweenPublishingAndDeleting() throws Exception {
    var rules = directory.directory();
    String group = rules.createGroup("ola", "Twice", List.of("per")).id();
    try (OutboxRelay first = relay()) {
      // Publish, then "crash" before the delete: put the rows back as they were.
      var rows = directory.database().jdbi().withExtension(MembershipOutbox.class, o -> o.oldest(100));
      first.drainOnce();
      for (var row : rows) {
        directory.database().jdbi().useExtension(MembershipOutbox.class,
            o -> o.add(row.groupId(), row.version(), row.members(), row.deleted(), row.createdAt()));
      }
    }
    OutboxRelay second = relay();
    second.start(Duration.ofMillis(100));
    await().atMost(Duration.ofSeconds(20)).until(() -> published(group).size() == 2);
    assertThat(published(group)).extracting(GroupMembers::getVersion).containsExactly(1L, 1L);

    // The topology takes the repeat in its stride: per is still a member and gets the message.
    String ola = it.stack.tokens().issue("ola", "phone");
    WsClient per = WsClient.connect(it.client, it.stack.gateway(0).webSocketUri(), it.stack.tokens().issue("per", "phone"));
    WsClient sender = WsClient.connect(it.client, it.stack.gateway(0).webSocketUri(), ola);
    sender.sendRaw("{\"type\":\"send\",\"id\":\"twice-1\",\"to\":{\"group\":\"" + group + "\"},\"body\":\"still one group\"}");
    assertThat(per.next("message", Duration.ofSeconds(20)).get("body").asText()).isEqualTo("still one group");
    second.close();
  }
}
