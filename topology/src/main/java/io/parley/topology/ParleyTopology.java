package io.parley.topology;

import io.parley.kafka.Topics;
import io.parley.model.Ids;
import io.parley.schemas.AppEvent;
import io.parley.schemas.Delivery;
import io.parley.schemas.GroupMembers;
import io.parley.schemas.GroupMessage;
import io.parley.schemas.GroupReceipt;
import io.parley.schemas.Heartbeat;
import io.parley.schemas.LastSeen;
import io.parley.schemas.MailboxCommand;
import io.parley.schemas.StoredMessage;
import io.parley.schemas.serde.AvroSerde;
import io.parley.topology.deadletter.DecodingProcessor;
import io.parley.topology.groups.GroupFanout;
import io.parley.topology.handoff.Handoff;
import io.parley.topology.handoff.Origins;
import io.parley.topology.lastseen.ActivityProcessor;
import io.parley.topology.lastseen.HeartbeatProcessor;
import io.parley.topology.lastseen.Presence;
import io.parley.topology.leases.GatewayLeases;
import io.parley.topology.mailbox.MailboxProcessor;
import io.parley.topology.mailbox.MailboxStores;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.TopicNameExtractor;

/**
 * Parley's one Kafka Streams topology. {@code main} and every test build it here, so tests run the
 * very topology production runs.
 *
 * <pre>
 * mailbox ─▶ mailbox-decode ─▶ mailbox ─┬▶ deliveries.&lt;gateway&gt;   (routed deliverables)
 *                 │                      ├▶ mailbox                 (receipts to senders, handed off)
 *                 ▼                      └▶ messages                (history of direct messages)
 *            dead-letters
 * group-members  ─▶ decode ─┐
 * group-receipts ─▶ decode ─┤  (members' receipts, from the mailbox: passed on, or counted for large groups)
 * group-messages ─▶ decode ─┴▶ groups ─┬▶ mailbox (one Deliver per other member) / Notify not_member to the sender
 *                                      └▶ messages (history, once)
 *
 * Hand-offs into the mailbox topic go through a {@link Handoff}: in production an idempotent
 * producer outside the transaction, stamped so the receiving mailbox applies each once ({@link Origins}).
 * heartbeats ─▶ heartbeats-decode ─▶ heartbeats ─▶ last-seen (coalesced; also on going online/offline)
 * events     ─▶ events-decode     ─▶ activity   ─▶ last-seen (app and user events count as activity)
 * gateways ─▶ gateway-leases (global store, read by every mailbox task)
 * </pre>
 *
 * <p>Heartbeats and events are partitioned like the mailbox and share its sub-topology, so their
 * processors read the same device table the mailbox writes.
 */
public final class ParleyTopology {
  public static final String MAILBOX_SOURCE = "mailbox-source";
  public static final String MAILBOX_DECODE = "mailbox-decode";
  public static final String MAILBOX = "mailbox";
  public static final String DEAD_LETTERS = "dead-letters-sink";
  public static final String HEARTBEATS_SOURCE = "heartbeats-source";
  public static final String HEARTBEATS_DECODE = "heartbeats-decode";
  public static final String HEARTBEATS = "heartbeats";
  public static final String EVENTS_SOURCE = "events-source";
  public static final String EVENTS_DECODE = "events-decode";
  public static final String ACTIVITY = "activity";
  public static final String GROUP_MEMBERS_SOURCE = "group-members-source";
  public static final String GROUP_MEMBERS_DECODE = "group-members-decode";
  public static final String GROUP_MESSAGES_SOURCE = "group-messages-source";
  public static final String GROUP_MESSAGES_DECODE = "group-messages-decode";
  public static final String GROUP_RECEIPTS_SOURCE = "group-receipts-source";
  public static final String GROUP_RECEIPTS_DECODE = "group-receipts-decode";
  public static final String GROUPS = "groups";
  private static final String LEASES_SOURCE = "gateways-source";
  private static final String LEASES = "gateway-leases-processor";

  private ParleyTopology() {}

  /** The topology with hand-offs inside the task's transaction (the TopologyTestDriver tests). */
  public static Topology build(Topics topics, MailboxSettings settings, TopologyMetrics metrics) {
    return build(topics, settings, metrics, Handoff.forwarding());
  }

  /** @param handoffs how the mailbox and the group fan-out write commands into other users' mailboxes */
  public static Topology build(Topics topics, MailboxSettings settings, TopologyMetrics metrics, Handoff.Factory handoffs) {
    Topology topology = new Topology();
    StringSerializer keys = new StringSerializer();

    topology.addSource(MAILBOX_SOURCE, new StringDeserializer(), new ByteArrayDeserializer(), topics.mailbox().name());
    topology.addProcessor(MAILBOX_DECODE,
        () -> new DecodingProcessor<>(AvroSerde.of(MailboxCommand.class), MAILBOX, DEAD_LETTERS, metrics), MAILBOX_SOURCE);
    topology.addProcessor(MAILBOX, () -> new MailboxProcessor(settings, metrics, handoffs, topics), MAILBOX_DECODE);
    MailboxStores.builders().forEach(store -> topology.addStateStore(store, MAILBOX));
    topology.addStateStore(Origins.storeBuilder(Origins.STORE), MAILBOX);

    topology.addSource(HEARTBEATS_SOURCE, new StringDeserializer(), new ByteArrayDeserializer(), topics.heartbeats().name());
    topology.addProcessor(HEARTBEATS_DECODE,
        () -> new DecodingProcessor<>(AvroSerde.of(Heartbeat.class), HEARTBEATS, DEAD_LETTERS, metrics), HEARTBEATS_SOURCE);
    topology.addProcessor(HEARTBEATS, () -> new HeartbeatProcessor(settings.lastSeenInterval()), HEARTBEATS_DECODE);
    topology.connectProcessorAndStateStores(HEARTBEATS, MailboxStores.DEVICES);
    topology.addSource(EVENTS_SOURCE, new StringDeserializer(), new ByteArrayDeserializer(), topics.events().name());
    topology.addProcessor(EVENTS_DECODE,
        () -> new DecodingProcessor<>(AvroSerde.of(AppEvent.class), ACTIVITY, DEAD_LETTERS, metrics), EVENTS_SOURCE);
    topology.addProcessor(ACTIVITY, () -> new ActivityProcessor(settings.lastSeenInterval()), EVENTS_DECODE);
    topology.connectProcessorAndStateStores(ACTIVITY, MailboxStores.DEVICES);
    Presence.storeBuilders().forEach(store -> topology.addStateStore(store, MAILBOX, HEARTBEATS, ACTIVITY));

    topology.addSource(GROUP_MEMBERS_SOURCE, new StringDeserializer(), new ByteArrayDeserializer(), topics.groupMembers().name());
    topology.addSource(GROUP_MESSAGES_SOURCE, new StringDeserializer(), new ByteArrayDeserializer(), topics.groupMessages().name());
    topology.addProcessor(GROUP_MEMBERS_DECODE, () -> new DecodingProcessor<>(AvroSerde.of(GroupMembers.class), GROUPS,
        DEAD_LETTERS, metrics, Ids::isGroup), GROUP_MEMBERS_SOURCE);
    topology.addProcessor(GROUP_MESSAGES_DECODE, () -> new DecodingProcessor<>(AvroSerde.of(GroupMessage.class), GROUPS,
        DEAD_LETTERS, metrics, Ids::isGroup), GROUP_MESSAGES_SOURCE);
    topology.addSource(GROUP_RECEIPTS_SOURCE, new StringDeserializer(), new ByteArrayDeserializer(), topics.groupReceipts().name());
    topology.addProcessor(GROUP_RECEIPTS_DECODE, () -> new DecodingProcessor<>(AvroSerde.of(GroupReceipt.class), GROUPS,
        DEAD_LETTERS, metrics, Ids::isGroup), GROUP_RECEIPTS_SOURCE);
    topology.addProcessor(GROUPS, () -> new GroupFanout(settings, metrics, handoffs, topics),
        GROUP_MEMBERS_DECODE, GROUP_MESSAGES_DECODE, GROUP_RECEIPTS_DECODE);
    GroupFanout.storeBuilders().forEach(store -> topology.addStateStore(store, GROUPS));

    topology.addGlobalStore(GatewayLeases.storeBuilder(), LEASES_SOURCE,
        new StringDeserializer(), new ByteArrayDeserializer(), topics.gateways().name(), LEASES,
        () -> new GatewayLeases(metrics, topics.gateways().name()));

    topology.addSink(MailboxProcessor.DELIVERIES, gatewayTopic(topics), keys, AvroSerde.of(Delivery.class), MAILBOX);
    topology.addSink(MailboxProcessor.MAILBOX, topics.mailbox().name(), keys, AvroSerde.of(MailboxCommand.class), MAILBOX);
    topology.addSink(MailboxProcessor.MESSAGES, topics.messages().name(), keys, AvroSerde.of(StoredMessage.class), MAILBOX);
    topology.addSink(MailboxProcessor.GROUP_RECEIPTS, topics.groupReceipts().name(), keys, AvroSerde.of(GroupReceipt.class), MAILBOX);
    topology.addSink(GroupFanout.MAILBOX, topics.mailbox().name(), keys, AvroSerde.of(MailboxCommand.class), GROUPS);
    topology.addSink(GroupFanout.MESSAGES, topics.messages().name(), keys, AvroSerde.of(StoredMessage.class), GROUPS);
    topology.addSink(Presence.SINK, topics.lastSeen().name(), keys, AvroSerde.of(LastSeen.class), MAILBOX, HEARTBEATS, ACTIVITY);
    topology.addSink(DEAD_LETTERS, topics.deadLetters().name(), new ByteArraySerializer(), new ByteArraySerializer(),
        MAILBOX_DECODE, HEARTBEATS_DECODE, EVENTS_DECODE, GROUP_MEMBERS_DECODE, GROUP_MESSAGES_DECODE, GROUP_RECEIPTS_DECODE);
    return topology;
  }

  /** Routed records name their gateway in a header; each gateway has its own delivery topic. */
  private static TopicNameExtractor<String, Delivery> gatewayTopic(Topics topics) {
    return (key, value, context) -> {
      Header gateway = context.headers().lastHeader(MailboxProcessor.GATEWAY_HEADER);
      if (gateway == null) {
        throw new IllegalStateException("a routed delivery for " + key + " names no gateway");
      }
      return topics.deliveries(new String(gateway.value(), StandardCharsets.UTF_8)).name();
    };
  }
}
