package io.parley.topology;

import io.parley.config.ConfigSource;
import io.parley.kafka.Topics;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Settings of one topology instance.
 *
 * @param commitInterval how often Streams commits its transaction. No message waits for it: gateways read
 *     deliveries uncommitted and no mailbox partition holds a transaction (docs/architecture.md, "The fast
 *     path"); a longer interval means fewer transactions and more rewrites absorbed by the record cache.
 * @param producerLinger how long the Streams producer waits to fill a batch (Streams defaults to 100 ms)
 * @param fetchMaxWait how long an idle fetch waits; new records end the wait at once (500 ms; 10 ms with
 *     {@code topology.handoff=transaction}, whose hand-offs a reader sees only after a commit)
 * @param cacheBytes the Streams record cache over the state stores: a user's keys rewritten within one
 *     commit reach the changelog once
 * @param handoff how a task writes commands into other users' mailboxes (receipts, group fan-out)
 * @param streamsOverrides any Kafka Streams, consumer or producer setting, given as
 *     {@code topology.streams.<name>}; applied last, so operators can tune what Parley does not name
 */
public record TopologyConfig(
    String bootstrapServers,
    String applicationId,
    Topics topics,
    Path stateDir,
    int threads,
    short replicationFactor,
    Duration commitInterval,
    Duration producerLinger,
    Duration fetchMaxWait,
    long cacheBytes,
    String processingGuarantee,
    HandoffMode handoff,
    MailboxSettings mailbox,
    java.util.Map<String, String> streamsOverrides) {

  public TopologyConfig {
    if (bootstrapServers == null || bootstrapServers.isBlank()) {
      throw new IllegalArgumentException("kafka.bootstrap.servers is required");
    }
    if (threads < 1 || threads > 64) {
      throw new IllegalArgumentException("topology.threads must be 1..64, was " + threads);
    }
    if (replicationFactor < 1) {
      throw new IllegalArgumentException("kafka.replication.factor must be at least 1");
    }
    if (!processingGuarantee.equals("exactly_once_v2") && !processingGuarantee.equals("at_least_once")) {
      throw new IllegalArgumentException("topology.processing.guarantee must be exactly_once_v2 or at_least_once");
    }
    streamsOverrides = java.util.Map.copyOf(streamsOverrides);
  }

  public static TopologyConfig from(ConfigSource config) {
    Topics topics = topicsFrom(config);
    MailboxSettings defaults = MailboxSettings.defaults();
    MailboxSettings mailbox = new MailboxSettings(
        config.duration("mailbox.retention", defaults.retention()),
        config.duration("mailbox.dedupe.ttl", defaults.dedupeTtl()),
        config.duration("mailbox.lease.timeout", defaults.leaseTimeout()),
        config.duration("mailbox.lease.check.interval", defaults.leaseCheckInterval()),
        config.duration("mailbox.expiry.check.interval", defaults.expiryCheckInterval()),
        config.integer("mailbox.window", defaults.window()),
        config.integer("mailbox.max.devices", defaults.maxDevicesPerUser()),
        config.duration("lastseen.interval", defaults.lastSeenInterval()),
        config.integer("groups.member.receipts.max", defaults.memberReceiptsMax()),
        config.bool("groups.handoff.batched", defaults.batchedGroupHandoffs()));
    HandoffMode handoff = HandoffMode.of(config.string("topology.handoff", "producer"));
    return new TopologyConfig(
        config.string("kafka.bootstrap.servers", "127.0.0.1:9092"),
        config.string("topology.application.id", topics.prefix() + "topology"),
        topics,
        Path.of(config.string("topology.state.dir", System.getProperty("java.io.tmpdir") + "/parley-streams")),
        config.integer("topology.threads", 1),
        (short) config.integer("kafka.replication.factor", 1),
        config.duration("topology.commit.interval", Duration.ofMillis(100)),
        config.duration("topology.producer.linger", Duration.ofMillis(2)),
        // With hand-offs outside the transaction no input holds one, and new records end a fetch at
        // once: the wait only bounds an idle consumer's requests. Hand-offs inside the transaction
        // are seen only after a commit, which does not end a fetch: there the wait is the hop.
        config.duration("topology.fetch.max.wait", handoff == HandoffMode.PRODUCER ? Duration.ofMillis(500) : Duration.ofMillis(10)),
        config.longValue("topology.cache.bytes", 16L * 1024 * 1024),
        config.string("topology.processing.guarantee", "exactly_once_v2"),
        handoff,
        mailbox,
        config.withPrefix("topology.streams."));
  }

  /**
   * {@code producer}: by an idempotent producer outside the transaction, flushed before each commit and
   * deduplicated by the receiver ({@code io.parley.topology.handoff}), so no mailbox partition ever holds
   * an open transaction; {@code transaction}: inside the task's transaction, as Streams' own sinks do.
   */
  public enum HandoffMode {
    PRODUCER, TRANSACTION;

    static HandoffMode of(String value) {
      return switch (value) {
        case "producer" -> PRODUCER;
        case "transaction" -> TRANSACTION;
        default -> throw new IllegalArgumentException("topology.handoff must be producer or transaction, was " + value);
      };
    }
  }

  public static Topics topicsFrom(ConfigSource config) {
    return Topics.from(config);
  }
}
