package io.parley.topology;

import io.parley.config.ConfigSource;
import io.parley.kafka.Topics;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Settings of one topology instance.
 *
 * @param commitInterval how often Streams commits its transaction. With exactly_once_v2, readers see
 *     output only after the commit, so this bounds the latency the topology adds to each hop.
 * @param producerLinger how long the Streams producer waits to fill a batch (Streams defaults to 100 ms)
 * @param fetchMaxWait how long a fetch waits for data; bounds the delay before committed records are seen
 * @param cacheBytes the Streams record cache over the state stores; 0 by default: within a 20 ms commit a
 *     user's keys are rarely written twice, so the cache saves few changelog records, and flushing it
 *     inside every commit delays the commit that makes a hop's output visible (docs/benchmarks.md, tuning)
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
        config.duration("lastseen.interval", defaults.lastSeenInterval()));
    return new TopologyConfig(
        config.string("kafka.bootstrap.servers", "127.0.0.1:9092"),
        config.string("topology.application.id", topics.prefix() + "topology"),
        topics,
        Path.of(config.string("topology.state.dir", System.getProperty("java.io.tmpdir") + "/parley-streams")),
        config.integer("topology.threads", 1),
        (short) config.integer("kafka.replication.factor", 1),
        config.duration("topology.commit.interval", Duration.ofMillis(20)),
        config.duration("topology.producer.linger", Duration.ofMillis(2)),
        config.duration("topology.fetch.max.wait", Duration.ofMillis(10)),
        config.longValue("topology.cache.bytes", 0),
        config.string("topology.processing.guarantee", "exactly_once_v2"),
        mailbox,
        config.withPrefix("topology.streams."));
  }

  public static Topics topicsFrom(ConfigSource config) {
    return Topics.from(config);
  }
}
