package io.parley.topology.mailbox;

import io.parley.kafka.Topics;
import io.parley.model.Conversations;
import io.parley.schemas.Ack;
import io.parley.schemas.ChatMessage;
import io.parley.schemas.Deliver;
import io.parley.schemas.Delivery;
import io.parley.schemas.DeviceRegistered;
import io.parley.schemas.DeviceRemoved;
import io.parley.schemas.Envelope;
import io.parley.schemas.GatewayLease;
import io.parley.schemas.MailboxCommand;
import io.parley.schemas.ReceiptStatus;
import io.parley.schemas.SessionClosed;
import io.parley.schemas.SessionOpened;
import io.parley.schemas.StoredMessage;
import io.parley.schemas.Sync;
import io.parley.schemas.serde.AvroSerde;
import io.parley.schemas.state.DeviceState;
import io.parley.schemas.state.DeviceTable;
import io.parley.schemas.state.InboxEntry;
import io.parley.topology.MailboxSettings;
import io.parley.topology.ParleyTopology;
import io.parley.topology.TopologyMetrics;
import io.parley.topology.handoff.Handoff;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;

/** A TopologyTestDriver around the production topology, with the vocabulary of the mailbox tests. */
public final class MailboxHarness implements AutoCloseable {
  static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
  final Topics topics = Topics.withDefaults();
  final TopologyTestDriver driver;
  final TestInputTopic<String, MailboxCommand> mailbox;
  final TestInputTopic<byte[], byte[]> rawMailbox;
  public final TestInputTopic<String, GatewayLease> gateways;
  final TestOutputTopic<String, StoredMessage> messages;
  public final TestOutputTopic<byte[], byte[]> deadLetters;
  final TestInputTopic<String, io.parley.schemas.Heartbeat> heartbeats;
  public final TestInputTopic<byte[], byte[]> rawHeartbeats;
  public final TestOutputTopic<String, io.parley.schemas.LastSeen> lastSeen;
  public final TestInputTopic<String, io.parley.schemas.AppEvent> events;
  public final TestInputTopic<byte[], byte[]> rawEvents;
  public final TestInputTopic<String, io.parley.schemas.GroupMembers> groupMembers;
  public final TestInputTopic<String, io.parley.schemas.GroupMessage> groupMessages;
  public final TestInputTopic<byte[], byte[]> rawGroupMessages;
  public final TestInputTopic<String, io.parley.schemas.GroupReceipt> groupReceiptsIn;
  private final TestOutputTopic<String, io.parley.schemas.GroupReceipt> groupReceiptsOut;
  private final MailboxSettings settings;
  private final List<String> gatewayIds = new ArrayList<>();
  private int nextMessage;

  /** Hand-offs of a harness made by {@link #recordingHandoffs}, with their headers, in order. */
  public final List<TestRecord<String, MailboxCommand>> handedOff = new ArrayList<>();

  public MailboxHarness(MailboxSettings settings) {
    this(settings, false);
  }

  /**
   * A harness whose hand-offs are kept in {@link #handedOff} instead of being forwarded to the
   * mailbox topic, so a test can deliver them itself (once, twice, late).
   */
  public static MailboxHarness recordingHandoffs(MailboxSettings settings) {
    return new MailboxHarness(settings, true);
  }

  private MailboxHarness(MailboxSettings settings, boolean recordHandoffs) {
    this.settings = settings;
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "mailbox-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    try {
      props.put(StreamsConfig.STATE_DIR_CONFIG, Files.createTempDirectory("mailbox-test").toString());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    Handoff.Factory handoffs = recordHandoffs ? new Handoff.Factory() {
      @Override
      @SuppressWarnings("unchecked")
      public <V extends org.apache.avro.specific.SpecificRecord> Handoff<V> create(
          org.apache.kafka.streams.processor.api.ProcessorContext<String, org.apache.avro.specific.SpecificRecord> context,
          String sink, io.parley.kafka.Topic<String, V> topic) {
        Handoff<V> forward = Handoff.forwarding().create(context, sink, topic);
        if (!topic.name().equals(topics.mailbox().name())) {
          return forward;
        }
        return (key, value, timestamp, headers) -> handedOff.add(new TestRecord<>(key, (MailboxCommand) value, headers, timestamp));
      }
    } : Handoff.forwarding();
    driver = new TopologyTestDriver(ParleyTopology.build(topics, settings, TopologyMetrics.unregistered(), handoffs), props, START);
    mailbox = driver.createInputTopic(topics.mailbox().name(), new StringSerializer(), AvroSerde.of(MailboxCommand.class));
    rawMailbox = driver.createInputTopic(topics.mailbox().name(), new ByteArraySerializer(), new ByteArraySerializer());
    gateways = driver.createInputTopic(topics.gateways().name(), new StringSerializer(), AvroSerde.of(GatewayLease.class));
    messages = driver.createOutputTopic(topics.messages().name(), new StringDeserializer(), AvroSerde.of(StoredMessage.class));
    deadLetters = driver.createOutputTopic(topics.deadLetters().name(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    heartbeats = driver.createInputTopic(topics.heartbeats().name(), new StringSerializer(), AvroSerde.of(io.parley.schemas.Heartbeat.class));
    rawHeartbeats = driver.createInputTopic(topics.heartbeats().name(), new ByteArraySerializer(), new ByteArraySerializer());
    groupMembers = driver.createInputTopic(topics.groupMembers().name(), new StringSerializer(), AvroSerde.of(io.parley.schemas.GroupMembers.class));
    groupMessages = driver.createInputTopic(topics.groupMessages().name(), new StringSerializer(), AvroSerde.of(io.parley.schemas.GroupMessage.class));
    rawGroupMessages = driver.createInputTopic(topics.groupMessages().name(), new ByteArraySerializer(), new ByteArraySerializer());
    groupReceiptsIn = driver.createInputTopic(topics.groupReceipts().name(), new StringSerializer(), AvroSerde.of(io.parley.schemas.GroupReceipt.class));
    groupReceiptsOut = driver.createOutputTopic(topics.groupReceipts().name(), new StringDeserializer(), AvroSerde.of(io.parley.schemas.GroupReceipt.class));
    lastSeen = driver.createOutputTopic(topics.lastSeen().name(), new StringDeserializer(), AvroSerde.of(io.parley.schemas.LastSeen.class));
    events = driver.createInputTopic(topics.events().name(), new StringSerializer(), AvroSerde.of(io.parley.schemas.AppEvent.class));
    rawEvents = driver.createInputTopic(topics.events().name(), new ByteArraySerializer(), new ByteArraySerializer());
  }

  public static MailboxSettings defaults() {
    return MailboxSettings.defaults().withLease(Duration.ofSeconds(45), Duration.ofSeconds(5));
  }

  public long now() {
    return START.toEpochMilli() + elapsed;
  }

  private long elapsed;

  public void advance(Duration d) {
    elapsed += d.toMillis();
    driver.advanceWallClockTime(d);
  }

  /** A gateway renews its lease now. */
  public void lease(String gateway, long incarnation) {
    gatewayIds.add(gateway);
    gateways.pipeInput(gateway, new GatewayLease(gateway, incarnation, now(), false));
  }

  public void open(String user, String device, String gateway, String session, long cursor) {
    open(user, device, gateway, 1L, session, cursor);
  }

  public void open(String user, String device, String gateway, long incarnation, String session, long cursor) {
    if (!gatewayIds.contains(gateway)) {
      lease(gateway, incarnation);
    }
    mailbox.pipeInput(user, new MailboxCommand(new SessionOpened(device, gateway, incarnation, session, cursor, now())));
  }

  public void close(String user, String device, String session) {
    mailbox.pipeInput(user, new MailboxCommand(new SessionClosed(device, session, now())));
  }

  /** The directory signed the device in. */
  public void register(String user, String device) {
    mailbox.pipeInput(user, new MailboxCommand(new DeviceRegistered(device, now())));
  }

  /** The device signed out. */
  public void remove(String user, String device) {
    mailbox.pipeInput(user, new MailboxCommand(new DeviceRemoved(device, now())));
  }

  public void sync(String user, String device, String gateway, String session, long after) {
    mailbox.pipeInput(user, new MailboxCommand(new Sync(device, gateway, 1L, session, after)));
  }

  public String send(String from, String to, String body) {
    String id = "m-" + (++nextMessage);
    send(from, to, id, body);
    return id;
  }

  public void send(String from, String to, String id, String body) {
    ChatMessage message = ChatMessage.newBuilder().setId(id).setFrom(from).setFromDevice("phone")
        .setConversation(Conversations.direct(from, to)).setBody(body).setSentAt(now()).build();
    mailbox.pipeInput(to, new MailboxCommand(new Deliver(new Envelope(message), List.of())));
  }

  public void members(String group, long version, String... members) {
    groupMembers.pipeInput(group, new io.parley.schemas.GroupMembers(group, version, List.of(members), false));
  }

  public void sendToGroup(String from, String group, String id, String body) {
    sendToGroupCheckedAt(from, group, id, body, 0);
  }

  /** A group message the gateway checked against the directory's member set at {@code version}. */
  public void sendToGroupCheckedAt(String from, String group, String id, String body, long version) {
    ChatMessage message = ChatMessage.newBuilder().setId(id).setFrom(from).setFromDevice("phone")
        .setConversation(Conversations.group(group)).setGroup(group).setBody(body).setSentAt(now()).build();
    groupMessages.pipeInput(group, new io.parley.schemas.GroupMessage(message, version));
  }

  public void heartbeat(String user, String device) {
    heartbeats.pipeInput(user, new io.parley.schemas.Heartbeat(user, device, now()));
  }

  public void ack(String user, String device, long seq, ReceiptStatus status) {
    mailbox.pipeInput(user, new MailboxCommand(new Ack(device, seq, status, now(), false)));
  }

  /** A cumulative ack: the device has everything up to {@code seq} (read: the user saw it all). */
  public void ackUpTo(String user, String device, long seq, ReceiptStatus status) {
    mailbox.pipeInput(user, new MailboxCommand(new Ack(device, seq, status, now(), true)));
  }

  /** Any command into a user's mailbox, as a writer of the mailbox topic would put it. */
  public void command(String user, MailboxCommand command) {
    mailbox.pipeInput(user, command);
  }

  public int mailboxPartitions() {
    return topics.mailbox().partitions();
  }

  /** Delivers a recorded hand-off into the mailbox topic, as the hand-off producer would. */
  public void deliverHandoff(TestRecord<String, MailboxCommand> handoff) {
    mailbox.pipeInput(new TestRecord<>(handoff.key(), handoff.value(), handoff.headers(), handoff.timestamp()));
  }

  /** Everything routed to one gateway since the last call. */
  public List<Delivery> deliveries(String gateway) {
    return driver.createOutputTopic(topics.deliveries(gateway).name(), new StringDeserializer(), AvroSerde.of(Delivery.class))
        .readValuesToList();
  }

  /** Members' receipts the mailboxes wrote to group-receipts since the last call, with their stamps. */
  public List<TestRecord<String, io.parley.schemas.GroupReceipt>> groupReceiptsWritten() {
    return groupReceiptsOut.readRecordsToList();
  }

  public List<TestRecord<String, StoredMessage>> history() {
    return messages.readRecordsToList();
  }

  List<TestRecord<String, Delivery>> deliveryRecords(String gateway) {
    return driver.createOutputTopic(topics.deliveries(gateway).name(), new StringDeserializer(), AvroSerde.of(Delivery.class))
        .readRecordsToList();
  }

  public List<Long> inboxSeqs(String user) {
    KeyValueStore<String, InboxEntry> inbox = driver.getKeyValueStore(MailboxStores.INBOX);
    List<Long> seqs = new ArrayList<>();
    try (KeyValueIterator<String, InboxEntry> it = inbox.range(MailboxKeys.seq(user, 0), MailboxKeys.seq(user, Long.MAX_VALUE))) {
      it.forEachRemaining(kv -> seqs.add(MailboxKeys.seqOf(kv.key)));
    }
    return seqs;
  }

  DeviceState device(String user, String device) {
    KeyValueStore<String, DeviceTable> devices = driver.getKeyValueStore(MailboxStores.DEVICES);
    DeviceTable table = devices.get(user);
    return table == null ? null : Devices.find(table, device).orElse(null);
  }

  DeviceTable table(String user) {
    KeyValueStore<String, DeviceTable> devices = driver.getKeyValueStore(MailboxStores.DEVICES);
    return devices.get(user);
  }

  List<KeyValue<String, Long>> dedupeEntries() {
    KeyValueStore<String, Long> dedupe = driver.getKeyValueStore(MailboxStores.DEDUPE);
    List<KeyValue<String, Long>> out = new ArrayList<>();
    try (KeyValueIterator<String, Long> it = dedupe.all()) {
      it.forEachRemaining(out::add);
    }
    return out;
  }

  /** The sessions index: gateway|incarnation|user|device keys. */
  List<String> sessionKeys() {
    KeyValueStore<String, String> sessions = driver.getKeyValueStore(MailboxStores.SESSIONS);
    List<String> out = new ArrayList<>();
    try (KeyValueIterator<String, String> it = sessions.all()) {
      it.forEachRemaining(kv -> out.add(kv.key));
    }
    return out;
  }

  List<String> expiryKeys() {
    KeyValueStore<String, String> expiry = driver.getKeyValueStore(MailboxStores.EXPIRY);
    List<String> out = new ArrayList<>();
    try (KeyValueIterator<String, String> it = expiry.all()) {
      it.forEachRemaining(kv -> out.add(kv.key));
    }
    return out;
  }

  /** A last seq as mailboxes stored it before it moved into the device table. */
  void legacySeq(String user, long seq) {
    KeyValueStore<String, Long> seqs = driver.getKeyValueStore(MailboxStores.SEQ);
    seqs.put(user, seq);
  }

  MailboxSettings settings() {
    return settings;
  }

  @Override
  public void close() {
    driver.close();
  }
}
