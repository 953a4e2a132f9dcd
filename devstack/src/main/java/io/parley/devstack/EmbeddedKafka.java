package io.parley.devstack;

import io.parley.net.FreePorts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Exit;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Kafka broker in this JVM: one KRaft node that is both broker and controller, on free
 * loopback ports, with its log in {@code dataDir} (kept across restarts of the local stack).
 */
public final class EmbeddedKafka implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedKafka.class);
  private static final int ATTEMPTS = 3;
  /**
   * The transactions protocol every Parley cluster is formatted with: version 1, not Kafka 4.1's
   * default 2. Under version 2 a partition leader that has no state for a transactional producer
   * takes only sequence 0 from it (KAFKA-18202); after a broker restart moved leaders back, the
   * topology's transactional producer retried {@code OUT_OF_ORDER_SEQUENCE_NUMBER} for minutes.
   * docs/operations.md, "Transactions protocol", has the measurements. {@code
   * -Dkafka.transaction.version=2} formats a new log folder with version 2, for comparing the two.
   */
  public static final short TRANSACTION_VERSION = Short.parseShort(System.getProperty("kafka.transaction.version", "1"));

  private final KafkaRaftServer server;
  private final int port;

  private EmbeddedKafka(KafkaRaftServer server, int port) {
    this.server = server;
    this.port = port;
  }

  /** Starts a broker; {@code port} 0 picks a free one. */
  public static EmbeddedKafka start(Path dataDir, int port) throws Exception {
    guardExit();
    Exception last = null;
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      int brokerPort = port > 0 ? port : FreePorts.loopback();
      int controllerPort = FreePorts.loopback();
      try {
        return startOn(dataDir, brokerPort, controllerPort);
      } catch (Exception e) {
        last = e;
        log.warn("broker did not start on ports {}/{} (attempt {}): {}", brokerPort, controllerPort, attempt, e.toString());
        if (port > 0) {
          break;
        }
      }
    }
    throw new IllegalStateException("cannot start the embedded Kafka broker", last);
  }

  private static EmbeddedKafka startOn(Path dataDir, int brokerPort, int controllerPort) throws Exception {
    Path logDir = dataDir.resolve("kafka-logs");
    Files.createDirectories(logDir);
    Properties p = new Properties();
    p.put("process.roles", "broker,controller");
    p.put("node.id", "1");
    p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
    p.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
    p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
    p.put("controller.listener.names", "CONTROLLER");
    p.put("inter.broker.listener.name", "PLAINTEXT");
    p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.put("log.dirs", logDir.toString());
    p.put("num.partitions", "1");
    p.put("auto.create.topics.enable", "false");
    p.put("offsets.topic.replication.factor", "1");
    p.put("offsets.topic.num.partitions", "4");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("transaction.state.log.num.partitions", "4");
    p.put("share.coordinator.state.topic.replication.factor", "1");
    p.put("share.coordinator.state.topic.min.isr", "1");
    p.put("group.initial.rebalance.delay.ms", "0");
    // A small node: fewer threads and smaller segments than a production broker.
    p.put("num.network.threads", "2");
    p.put("num.io.threads", "4");
    p.put("log.segment.bytes", String.valueOf(64 * 1024 * 1024));
    p.put("log.cleaner.dedupe.buffer.size", String.valueOf(8 * 1024 * 1024));
    KafkaConfig config = KafkaConfig.fromProps(p, false);

    // A log folder formatted before (the local stack restarting) keeps its cluster id and data.
    if (!Files.exists(logDir.resolve("meta.properties"))) {
      format(logDir);
    }

    KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
    try {
      server.startup();
    } catch (RuntimeException e) {
      shutdownQuietly(server);
      throw e;
    }
    log.info("Kafka broker listening on 127.0.0.1:{}", brokerPort);
    return new EmbeddedKafka(server, brokerPort);
  }

  private static void format(Path logDir) throws Exception {
    new Formatter()
        .setNodeId(1)
        .setClusterId(Uuid.randomUuid().toString())
        .addDirectory(logDir.toString())
        .setMetadataLogDirectory(logDir.toString())
        .setControllerListenerName("CONTROLLER")
        .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
        .setFeatureLevel("transaction.version", TRANSACTION_VERSION)
        .setPrintStream(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()))
        .run();
  }

  /** Kafka halts the JVM when a port is taken; in-process, that must be an exception instead. */
  private static void guardExit() {
    Exit.setHaltProcedure((code, message) -> {
      throw new IllegalStateException("Kafka asked to halt (" + code + "): " + message);
    });
    Exit.setExitProcedure((code, message) -> {
      throw new IllegalStateException("Kafka asked to exit (" + code + "): " + message);
    });
  }

  public String bootstrapServers() {
    return "127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  private static void shutdownQuietly(KafkaRaftServer server) {
    try {
      server.shutdown();
      server.awaitShutdown();
    } catch (RuntimeException e) {
      log.debug("broker shutdown after a failed start: {}", e.toString());
    }
  }

  @Override
  public void close() {
    server.shutdown();
    server.awaitShutdown();
  }
}
