package io.parley.topology.groups;

import io.parley.model.Conversations;
import io.parley.schemas.ChatMessage;
import io.parley.schemas.Deliver;
import io.parley.schemas.Envelope;
import io.parley.schemas.GroupMembers;
import io.parley.schemas.GroupMessage;
import io.parley.schemas.MailboxCommand;
import io.parley.schemas.Notice;
import io.parley.schemas.Notify;
import io.parley.schemas.StoredMessage;
import io.parley.schemas.serde.AvroSerde;
import io.parley.topology.TopologyMetrics;
import io.parley.topology.handoff.MailboxWriter;
import io.parley.topology.handoff.Origins;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
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
 */
public final class GroupFanout implements Processor<String, SpecificRecord, String, SpecificRecord> {
  public static final String MEMBERS = "group-membership";
  public static final String DEDUPE = "group-dedupe";
  public static final String MAILBOX = "group-mailbox-sink";
  public static final String MESSAGES = "group-messages-sink";
  public static final String NOT_MEMBER = "not_member";
  private static final int EXPIRY_BATCH = 10_000;

  private final Duration dedupeTtl;
  private final TopologyMetrics metrics;
  private final MailboxWriter.Factory handoffs;
  private ProcessorContext<String, SpecificRecord> context;
  private MailboxWriter mailbox;
  private Origins.Stamper stamps;
  private KeyValueStore<String, GroupMembers> members;
  private KeyValueStore<String, Long> dedupe;

  public GroupFanout(Duration dedupeTtl, TopologyMetrics metrics, MailboxWriter.Factory handoffs) {
    this.dedupeTtl = dedupeTtl;
    this.metrics = metrics;
    this.handoffs = handoffs;
  }

  public static List<StoreBuilder<?>> storeBuilders() {
    return List.of(
        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(MEMBERS), Serdes.String(), AvroSerde.of(GroupMembers.class))
            .withCachingEnabled(),
        // group|sender|client id -> expiry time, and dueAt|group|sender|id -> nothing for the expiry scan
        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(DEDUPE), Serdes.String(), Serdes.Long())
            .withCachingEnabled());
  }

  @Override
  public void init(ProcessorContext<String, SpecificRecord> context) {
    this.context = context;
    this.mailbox = handoffs.create(context, MAILBOX);
    this.stamps = new Origins.Stamper(context);
    this.members = context.getStateStore(MEMBERS);
    this.dedupe = context.getStateStore(DEDUPE);
    context.schedule(Duration.ofMinutes(1), PunctuationType.WALL_CLOCK_TIME, this::expire);
  }

  @Override
  public void process(Record<String, SpecificRecord> record) {
    if (record.value() instanceof GroupMembers set) {
      update(record.key(), set);
    } else if (record.value() instanceof GroupMessage message) {
      fanOut(record.key(), message.getMessage());
    }
  }

  /** Keeps the newest member set; the relay may repeat itself after a crash, never go back in time. */
  private void update(String group, GroupMembers set) {
    GroupMembers current = members.get(group);
    if (current != null && current.getVersion() > set.getVersion()) {
      return;
    }
    if (set.getDeleted()) {
      members.delete(group);
    } else {
      members.put(group, set);
    }
  }

  private void fanOut(String group, ChatMessage message) {
    long now = context.currentSystemTimeMs();
    if (!group.equals(message.getGroup()) || !Conversations.group(group).equals(message.getConversation())) {
      metrics.ignored("group_mismatch");
      return; // only a broken writer puts a message under another group's key
    }
    GroupMembers set = members.get(group);
    if (set == null || !set.getMembers().contains(message.getFrom())) {
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
    MailboxCommand deliver = new MailboxCommand(new Deliver(new Envelope(message)));
    for (String member : recipients) {
      mailbox.write(member, deliver, now, stamps.next());
    }
    metrics.fannedOut(recipients.size());
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
      dedupe.delete(indexKey.substring(indexKey.indexOf('|') + 1));
      dedupe.delete(indexKey);
    }
  }
}
