package io.parley.topology.groups;

import io.parley.model.Conversations;
import io.parley.schemas.ChatMessage;
import io.parley.schemas.Deliver;
import io.parley.schemas.Envelope;
import io.parley.schemas.GroupMembers;
import io.parley.schemas.GroupMessage;
import io.parley.schemas.GroupReceipt;
import io.parley.schemas.Receipt;
import io.parley.schemas.ReceiptStatus;
import io.parley.schemas.state.GroupTally;
import io.parley.schemas.MailboxCommand;
import io.parley.schemas.Notice;
import io.parley.schemas.Notify;
import io.parley.schemas.StoredMessage;
import io.parley.schemas.serde.AvroSerde;
import io.parley.kafka.Topics;
import io.parley.topology.MailboxSettings;
import io.parley.topology.TopologyMetrics;
import io.parley.topology.handoff.Handoff;
import io.parley.topology.handoff.Origins;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * Group fan-out. Reads the member sets the directory publishes and the messages sent to groups
 * (both keyed by group id, co-partitioned). A message from a member is stored once in the history
 * log and delivered into the mailbox of every other member, where it is a deliverable like any
 * direct message: seq'd, kept until acknowledged, with per-member receipts back to the sender. A
 * message from anyone else is refused with a {@code not_member} notice to the sending device.
 * Members whose mailboxes share a partition get the message in one hand-off.
 */
public final class GroupFanout implements Processor<String, SpecificRecord, String, SpecificRecord> {
  public static final String MEMBERS = "group-membership";
  public static final String DEDUPE = "group-dedupe";
  /** group|input offset → a message waiting for the member set it was checked against. */
  public static final String HELD = "group-held";
  /** group|sender|client id → how many members of a large group have the message, and read it. */
  public static final String TALLIES = "group-tallies";
  public static final String MAILBOX = "group-mailbox-sink";
  public static final String MESSAGES = "group-messages-sink";
  public static final String NOT_MEMBER = "not_member";
  private static final int EXPIRY_BATCH = 10_000;

  private final Duration dedupeTtl;
  private final int memberReceiptsMax;
  private final boolean batched;
  private final TopologyMetrics metrics;
  private final Handoff.Factory handoffs;
  private final Topics topics;
  private ProcessorContext<String, SpecificRecord> context;
  private Handoff<MailboxCommand> mailbox;
  private Origins.Stamper stamps;
  private Origins.Gate once;
  private KeyValueStore<String, GroupMembers> members;
  private KeyValueStore<String, Long> dedupe;
  private KeyValueStore<String, GroupTally> tallies;
  private KeyValueStore<String, GroupMessage> held;

  public GroupFanout(MailboxSettings settings, TopologyMetrics metrics, Handoff.Factory handoffs, Topics topics) {
    this.dedupeTtl = settings.dedupeTtl();
    this.memberReceiptsMax = settings.memberReceiptsMax();
    this.batched = settings.batchedGroupHandoffs();
    this.metrics = metrics;
    this.handoffs = handoffs;
    this.topics = topics;
  }

  public static List<StoreBuilder<?>> storeBuilders() {
    return List.of(
        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(MEMBERS), Serdes.String(), AvroSerde.of(GroupMembers.class))
            .withCachingEnabled(),
        // group|sender|client id -> expiry time, and dueAt|group|sender|id -> nothing for the expiry scan
        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(DEDUPE), Serdes.String(), Serdes.Long())
            .withCachingEnabled(),
        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(TALLIES), Serdes.String(), AvroSerde.of(GroupTally.class))
            .withCachingEnabled(),
        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(HELD), Serdes.String(), AvroSerde.of(GroupMessage.class)),
        Origins.storeBuilder(Origins.GROUP_STORE));
  }

  @Override
  public void init(ProcessorContext<String, SpecificRecord> context) {
    this.context = context;
    this.mailbox = handoffs.create(context, MAILBOX, topics.mailbox());
    this.stamps = new Origins.Stamper(context);
    this.once = new Origins.Gate(context, Origins.GROUP_STORE);
    this.members = context.getStateStore(MEMBERS);
    this.dedupe = context.getStateStore(DEDUPE);
    this.tallies = context.getStateStore(TALLIES);
    this.held = context.getStateStore(HELD);
    context.schedule(Duration.ofMinutes(1), PunctuationType.WALL_CLOCK_TIME, this::expire);
  }

  @Override
  public void process(Record<String, SpecificRecord> record) {
    if (record.value() instanceof GroupMembers set) {
      update(record.key(), set);
    } else if (record.value() instanceof GroupMessage message) {
      holdOrFanOut(record.key(), message);
    } else if (record.value() instanceof GroupReceipt receipt) {
      if (once.admit(record.headers())) {
        receipt(record.key(), receipt);
      } else {
        metrics.duplicate();
      }
    }
  }

  /**
   * A member's receipt. In a group of up to {@code memberReceiptsMax} members it goes on to the
   * sender as it is; in a larger one it is counted, and the sender hears once when every member
   * the message was sent to has it and once when every one of them read it, {@code by} the group.
   */
  private void receipt(String group, GroupReceipt r) {
    String key = group + '|' + r.getSender() + '|' + r.getMessageId();
    GroupTally tally = tallies.get(key);
    if (tally == null) {
      GroupMembers set = members.get(group);
      if (set != null && set.getMembers().size() - 1 > memberReceiptsMax) {
        metrics.ignored("group_receipt_untallied");
        return; // a large group's message older than its tally: the group's receipts were given
      }
      tell(r.getSender(), new Receipt(r.getMessageId(), Conversations.group(group), r.getMember(), r.getStatus(), r.getAt()));
      return;
    }
    if (r.getStatus() == ReceiptStatus.DELIVERED || r.getWithDelivered()) {
      tally.setDelivered(tally.getDelivered() + 1);
      if (tally.getDelivered() == tally.getRecipients()) {
        tell(r.getSender(), new Receipt(r.getMessageId(), Conversations.group(group), group, ReceiptStatus.DELIVERED, r.getAt()));
      }
    }
    if (r.getStatus() == ReceiptStatus.READ) {
      tally.setRead(tally.getRead() + 1);
      if (tally.getRead() == tally.getRecipients()) {
        tell(r.getSender(), new Receipt(r.getMessageId(), Conversations.group(group), group, ReceiptStatus.READ, r.getAt()));
        tallies.delete(key);
        return;
      }
    }
    tallies.put(key, tally);
  }

  private void tell(String sender, Receipt receipt) {
    mailbox.write(sender, new MailboxCommand(new Deliver(new Envelope(receipt), List.of())), context.currentSystemTimeMs(), stamps.next());
  }

  /**
   * Keeps the newest member set; the relay may repeat itself after a crash, never go back in time. A
   * deleted group keeps its last version (marked deleted), so a message checked before the deletion
   * is not held for ever. Then the messages that waited for this version go out, in their order.
   */
  private void update(String group, GroupMembers set) {
    GroupMembers current = members.get(group);
    if (current != null && current.getVersion() > set.getVersion()) {
      return;
    }
    members.put(group, set);
    List<KeyValue<String, GroupMessage>> ready = new ArrayList<>();
    try (KeyValueIterator<String, GroupMessage> it = held.range(group + '|', group + "|~")) {
      while (it.hasNext()) {
        KeyValue<String, GroupMessage> kv = it.next();
        if (kv.value.getMembersVersion() <= set.getVersion()) {
          ready.add(kv);
        }
      }
    }
    for (KeyValue<String, GroupMessage> kv : ready) {
      held.delete(kv.key);
      fanOut(group, kv.value.getMessage());
    }
  }

  /**
   * The gateway found the sender in the member set at {@code membersVersion}, read from the
   * directory; the member set reaches this task through the relay, maybe later. A message checked
   * against a version this task has not seen waits for it, so a message sent right after a group is
   * created or a member added is never answered {@code sent} and then refused.
   */
  private void holdOrFanOut(String group, GroupMessage message) {
    GroupMembers set = members.get(group);
    if (message.getMembersVersion() > (set == null ? 0 : set.getVersion())) {
      long offset = context.recordMetadata().map(m -> m.offset()).orElse(0L);
      held.put(group + '|' + String.format("%019d", offset), message);
      metrics.ignored("group_message_held");
      return;
    }
    fanOut(group, message.getMessage());
  }

  private void fanOut(String group, ChatMessage message) {
    long now = context.currentSystemTimeMs();
    if (!group.equals(message.getGroup()) || !Conversations.group(group).equals(message.getConversation())) {
      metrics.ignored("group_mismatch");
      return; // only a broken writer puts a message under another group's key
    }
    GroupMembers set = members.get(group);
    if (set == null || set.getDeleted() || !set.getMembers().contains(message.getFrom())) {
      metrics.groupRefused();
      Notice notice = new Notice(NOT_MEMBER, "you are not a member of group " + group, message.getId());
      mailbox.write(message.getFrom(), new MailboxCommand(new Notify(message.getFromDevice(), notice)), now, stamps.next());
      return;
    }
    String key = group + '|' + message.getFrom() + '|' + message.getId();
    if (dedupe.get(key) != null) {
      metrics.duplicate();
      return;
    }
    long expiresAt = now + dedupeTtl.toMillis();
    dedupe.put(key, expiresAt);
    dedupe.put(String.format("~%019d|%s", expiresAt, key), expiresAt);

    List<String> recipients = new ArrayList<>(set.getMembers().size());
    for (String member : set.getMembers()) {
      if (!member.equals(message.getFrom())) {
        recipients.add(member);
      }
    }
    context.forward(new Record<>(message.getConversation(), new StoredMessage(message, now, recipients), now), MESSAGES);
    if (recipients.size() > memberReceiptsMax) {
      tallies.put(key, new GroupTally(recipients.size(), 0, 0));
    }
    Envelope envelope = new Envelope(message);
    List<List<String>> byHandoff = batched ? byMailboxPartition(recipients) : recipients.stream().map(List::of).toList();
    for (List<String> there : byHandoff) {
      Deliver deliver = new Deliver(envelope, new ArrayList<>(there.subList(1, there.size())));
      mailbox.write(there.get(0), new MailboxCommand(deliver), now, stamps.next());
    }
    metrics.fannedOut(recipients.size());
  }

  /**
   * The recipients grouped by the mailbox partition each one's key goes to, in member order: one
   * hand-off per group, keyed by its first member so that it lands in that partition, names the
   * others in {@code alsoTo}. A 100-member message is then at most one record per partition.
   */
  private List<List<String>> byMailboxPartition(List<String> recipients) {
    int partitions = handoffs.partitions(topics.mailbox());
    Map<Integer, List<String>> groups = new LinkedHashMap<>();
    for (String member : recipients) {
      groups.computeIfAbsent(Handoff.partitionOf(member, partitions), p -> new ArrayList<>()).add(member);
    }
    return new ArrayList<>(groups.values());
  }

  /** Dedupe keys expire after their TTL; the '~' index sorts after every group id. */
  private void expire(long now) {
    List<String> due = new ArrayList<>();
    try (KeyValueIterator<String, Long> it = dedupe.range("~", String.format("~%019d|~", now))) {
      while (it.hasNext() && due.size() < EXPIRY_BATCH) {
        due.add(it.next().key);
      }
    }
    for (String indexKey : due) {
      String key = indexKey.substring(indexKey.indexOf('|') + 1);
      dedupe.delete(key);
      tallies.delete(key);
      dedupe.delete(indexKey);
    }
  }
}
