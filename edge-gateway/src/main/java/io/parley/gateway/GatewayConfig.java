package io.parley.gateway;

import io.parley.config.ConfigSource;
import io.parley.gateway.web.PageCsp;
import io.parley.http.HttpLimits;
import io.parley.kafka.Topics;
import java.time.Duration;

/**
 * Settings of one edge gateway, validated once at start.
 *
 * @param gatewayId names this gateway's delivery topic; unique among live gateways
 * @param port 0 picks a free port
 * @param maxFrameBytes a text frame (message) larger than this is refused with {@code too_large}
 * @param maxBodyChars a message body longer than this is refused with {@code too_large}
 * @param sendsPerSecond messages a connection may send per second
 * @param framesPerSecond frames of any type (sends, acks, syncs, heartbeats) a connection may send per second
 * @param abuseErrors refused frames within {@code abuseWindow} after which the socket is closed
 * @param maxPendingSends produce requests a connection may have in flight before the gateway stops reading from it
 * @param maxQueuedBytesPerSocket bytes written to a socket but not yet taken by the client; beyond it
 *     the client is too slow and is disconnected (it resumes from its cursor on reconnect)
 * @param maxQueuedBytesTotal across all sockets; beyond it the gateway pauses its Kafka consumer
 * @param leaseInterval how often this gateway renews its lease on its sessions
 * @param idleTimeout a socket with no frame (data, ping or pong) for this long is closed
 * @param pageMediaSources where the web page may fetch media from besides this origin ({@link PageCsp#mediaSources})
 * @param httpLimits header deadline and connections per address ({@code http.*}, shared with the services)
 */
public record GatewayConfig(
    String gatewayId,
    String host,
    int port,
    String bootstrapServers,
    Topics topics,
    short replicationFactor,
    String tokenSecret,
    int maxFrameBytes,
    int maxBodyChars,
    int maxAttachments,
    int sendsPerSecond,
    int framesPerSecond,
    int abuseErrors,
    Duration abuseWindow,
    int maxPendingSends,
    long maxQueuedBytesPerSocket,
    long maxQueuedBytesTotal,
    Duration leaseInterval,
    Duration idleTimeout,
    Duration producerLinger,
    String pageMediaSources,
    HttpLimits httpLimits) {

  public GatewayConfig {
    topics.deliveries(gatewayId); // refuses a gateway id that cannot name a topic
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("gateway.port must be 0..65535, was " + port);
    }
    if (tokenSecret == null || tokenSecret.length() < 32) {
      throw new IllegalArgumentException("auth.token.secret must be set to at least 32 characters");
    }
    if (maxFrameBytes < 1024 || maxBodyChars < 1 || maxAttachments < 0 || sendsPerSecond < 1 || framesPerSecond < 1 || abuseErrors < 1
        || maxPendingSends < 1 || maxQueuedBytesPerSocket < maxFrameBytes || maxQueuedBytesTotal < maxQueuedBytesPerSocket) {
      throw new IllegalArgumentException("gateway limits out of range");
    }
  }

  public static GatewayConfig from(ConfigSource config) {
    Topics topics = Topics.from(config);
    return new GatewayConfig(
        config.string("gateway.id", "gw-1"),
        config.string("gateway.host", "127.0.0.1"),
        config.integer("gateway.port", 8080),
        config.string("kafka.bootstrap.servers", "127.0.0.1:9092"),
        topics,
        (short) config.integer("kafka.replication.factor", 1),
        config.required("auth.token.secret"),
        config.integer("gateway.max.frame.bytes", 64 * 1024),
        config.integer("gateway.max.body.chars", 16 * 1024),
        config.integer("gateway.max.attachments", 10),
        config.integer("gateway.sends.per.second", 30),
        config.integer("gateway.frames.per.second", 1000),
        config.integer("gateway.abuse.errors", 50),
        config.duration("gateway.abuse.window", Duration.ofSeconds(10)),
        config.integer("gateway.max.pending.sends", 256),
        config.longValue("gateway.max.queued.bytes.per.socket", 4L * 1024 * 1024),
        config.longValue("gateway.max.queued.bytes.total", 256L * 1024 * 1024),
        config.duration("gateway.lease.interval", Duration.ofSeconds(10)),
        config.duration("gateway.idle.timeout", Duration.ofMinutes(2)),
        config.duration("gateway.producer.linger", Duration.ofMillis(1)),
        PageCsp.mediaSources(config),
        HttpLimits.from(config));
  }
}
