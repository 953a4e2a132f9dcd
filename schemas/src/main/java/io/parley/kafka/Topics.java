package io.parley.kafka;

import io.parley.schemas.AppEvent;
import io.parley.schemas.Delivery;
import io.parley.schemas.GatewayLease;
import io.parley.schemas.GroupMembers;
import io.parley.schemas.GroupMessage;
import io.parley.schemas.GroupReceipt;
import io.parley.schemas.Heartbeat;
import io.parley.schemas.LastSeen;
import io.parley.schemas.MailboxCommand;
import io.parley.schemas.StoredMessage;
import io.parley.schemas.serde.AvroSerde;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The one registry of Parley's topic names and serdes. Code never spells a topic name or picks a
 * serde inline: it asks this class. Names share a configurable prefix (default {@code parley.}).
 */
public final class Topics {
  public static final String DEFAULT_PREFIX = "parley.";
  private static final Pattern GATEWAY_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

  private static final Serde<String> KEYS = Serdes.String();
  private static final AvroSerde<MailboxCommand> MAILBOX = AvroSerde.of(MailboxCommand.class);
  private static final AvroSerde<Delivery> DELIVERY = AvroSerde.of(Delivery.class);
  private static final AvroSerde<GatewayLease> LEASE = AvroSerde.of(GatewayLease.class);
  private static final AvroSerde<Heartbeat> HEARTBEAT = AvroSerde.of(Heartbeat.class);
  private static final AvroSerde<StoredMessage> STORED = AvroSerde.of(StoredMessage.class);
  private static final AvroSerde<LastSeen> LAST_SEEN = AvroSerde.of(LastSeen.class);
  private static final AvroSerde<GroupMessage> GROUP_MESSAGE = AvroSerde.of(GroupMessage.class);
  private static final AvroSerde<GroupMembers> GROUP_MEMBERS = AvroSerde.of(GroupMembers.class);
  private static final AvroSerde<GroupReceipt> GROUP_RECEIPT = AvroSerde.of(GroupReceipt.class);
  private static final AvroSerde<AppEvent> APP_EVENT = AvroSerde.of(AppEvent.class);

  private final String prefix;
  private final Partitions partitions;

  /**
   * How many partitions each topic gets when Parley creates it. Heartbeats and last-seen have as
   * many as the mailbox: the topology reads heartbeats beside each user's device table, so a user's
   * heartbeats must land in the partition number of that user's mailbox.
   */
  public record Partitions(int mailbox, int deliveries, int messages, int groups) {
    public static final Partitions LOCAL = new Partitions(8, 2, 4, 4);
  }

  public Topics(String prefix, Partitions partitions) {
    if (prefix == null || !prefix.matches("[A-Za-z0-9._-]*")) {
      throw new IllegalArgumentException("topic prefix may hold only letters, digits, '.', '_' and '-': " + prefix);
    }
    this.prefix = prefix;
    this.partitions = partitions;
  }

  public static Topics withDefaults() {
    return new Topics(DEFAULT_PREFIX, Partitions.LOCAL);
  }

  /** From settings {@code kafka.topic.prefix} and {@code kafka.partitions.<mailbox|deliveries|messages>}. */
  public static Topics from(io.parley.config.ConfigSource config) {
    return new Topics(config.string("kafka.topic.prefix", DEFAULT_PREFIX), new Partitions(
        config.integer("kafka.partitions.mailbox", Partitions.LOCAL.mailbox()),
        config.integer("kafka.partitions.deliveries", Partitions.LOCAL.deliveries()),
        config.integer("kafka.partitions.messages", Partitions.LOCAL.messages()),
        config.integer("kafka.partitions.groups", Partitions.LOCAL.groups())));
  }

  public String prefix() {
    return prefix;
  }

  /** Every command that touches one user's mailbox, keyed by that user. */
  public Topic<String, MailboxCommand> mailbox() {
    return new Topic<>(prefix + "mailbox", KEYS, MAILBOX, partitions.mailbox(),
        Map.of("retention.ms", String.valueOf(Duration.ofDays(7).toMillis())));
  }

  /** What one gateway must write to its sessions; that gateway alone reads it. */
  public Topic<String, Delivery> deliveries(String gatewayId) {
    if (gatewayId == null || !GATEWAY_ID.matcher(gatewayId).matches()) {
      throw new IllegalArgumentException("gateway id must be 1-64 of [A-Za-z0-9_-]: " + gatewayId);
    }
    // Deliveries are only useful to live sessions; anything unacknowledged is resent from the inbox.
    return new Topic<>(deliveriesPrefix() + gatewayId, KEYS, DELIVERY, partitions.deliveries(),
        Map.of("retention.ms", String.valueOf(Duration.ofHours(1).toMillis())));
  }

  public String deliveriesPrefix() {
    return prefix + "deliveries.";
  }

  /** Gateway leases, compacted: the last renewal of each gateway. */
  public Topic<String, GatewayLease> gateways() {
    return new Topic<>(prefix + "gateways", KEYS, LEASE, 1,
        Map.of("cleanup.policy", "compact", "min.compaction.lag.ms", "60000"));
  }

  public Topic<String, Heartbeat> heartbeats() {
    return new Topic<>(prefix + "heartbeats", KEYS, HEARTBEAT, partitions.mailbox(),
        Map.of("retention.ms", String.valueOf(Duration.ofHours(1).toMillis())));
  }

  /** Messages sent to groups, keyed by group; the topology fans them out. Partitioned like group-members. */
  public Topic<String, GroupMessage> groupMessages() {
    return new Topic<>(prefix + "group-messages", KEYS, GROUP_MESSAGE, partitions.groups(),
        Map.of("retention.ms", String.valueOf(Duration.ofDays(7).toMillis())));
  }

  /** Members' receipts for group messages, keyed by group, partitioned like group-members: the group's task passes them on or counts them. */
  public Topic<String, GroupReceipt> groupReceipts() {
    return new Topic<>(prefix + "group-receipts", KEYS, GROUP_RECEIPT, partitions.groups(),
        Map.of("retention.ms", String.valueOf(Duration.ofDays(7).toMillis())));
  }

  /** Each group's member set, compacted: written by the directory's outbox relay. */
  public Topic<String, GroupMembers> groupMembers() {
    return new Topic<>(prefix + "group-members", KEYS, GROUP_MEMBERS, partitions.groups(),
        Map.of("cleanup.policy", "compact", "min.compaction.lag.ms", "60000"));
  }

  /** Each user's coalesced presence, compacted: far fewer records than heartbeats. */
  public Topic<String, LastSeen> lastSeen() {
    return new Topic<>(prefix + "last-seen", KEYS, LAST_SEEN, partitions.mailbox(),
        Map.of("cleanup.policy", "compact", "min.compaction.lag.ms", "60000"));
  }

  /**
   * App and user events (connections, sign-ins, the app's foreground and background), keyed by user.
   * Partitioned like the mailbox: the topology counts them as activity for last seen beside the
   * device table, as it does heartbeats.
   */
  public Topic<String, AppEvent> events() {
    return new Topic<>(prefix + "events", KEYS, APP_EVENT, partitions.mailbox(),
        Map.of("retention.ms", String.valueOf(Duration.ofDays(7).toMillis())));
  }

  /** The canonical history log, keyed by conversation. */
  public Topic<String, StoredMessage> messages() {
    return new Topic<>(prefix + "messages", KEYS, STORED, partitions.messages(),
        Map.of("retention.ms", String.valueOf(Duration.ofDays(7).toMillis())));
  }

  /**
   * The analytics job's topic tag of each message, keyed by {@code sender/messageId}, JSON values
   * (docs/analytics.md); compacted. The job, which cannot use this registry, creates it alike.
   */
  public Topic<String, String> messageTags() {
    return new Topic<>(prefix + "message-tags", KEYS, Serdes.String(), 4,
        Map.of("cleanup.policy", "compact", "min.compaction.lag.ms", "60000"));
  }

  /** The analytics job's topic counts per trend window, keyed by {@code windowStart|tag}, JSON values; compacted. */
  public Topic<String, String> topicTrends() {
    return new Topic<>(prefix + "topic-trends", KEYS, Serdes.String(), 1,
        Map.of("cleanup.policy", "compact", "min.compaction.lag.ms", "60000"));
  }

  /** Records no Parley reader could decode, with headers saying where they came from and why. */
  public Topic<byte[], byte[]> deadLetters() {
    return new Topic<>(prefix + "dead-letters", Serdes.ByteArray(), Serdes.ByteArray(), 1,
        Map.of("retention.ms", String.valueOf(Duration.ofDays(30).toMillis())));
  }

  /** The shared topics the topology needs before it starts (gateway topics are made by each gateway). */
  public List<Topic<?, ?>> topologyTopics() {
    return List.of(mailbox(), gateways(), heartbeats(), events(), lastSeen(), messages(), groupMessages(), groupMembers(), groupReceipts(),
        deadLetters());
  }
}
