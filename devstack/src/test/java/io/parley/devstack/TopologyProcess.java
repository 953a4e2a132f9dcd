package io.parley.devstack;

import io.parley.config.ConfigSource;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A topology instance ({@code io.parley.topology.TopologyApp}) in a JVM of its own ({@link ForkedJvm}),
 * so that a test can kill it with SIGKILL, mid-transaction, as a crashed machine would. Its output
 * goes to {@code <name>.log} in the test's folder.
 */
final class TopologyProcess implements AutoCloseable {
  /** What {@code TopologyApp.main} logs once Kafka Streams is RUNNING. */
  private static final Pattern RUNNING = Pattern.compile(Pattern.quote("running against"));
  private static final Pattern PROCESS_ID = Pattern.compile("stream-client \\[[^\\]]*?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\\]");

  final String name;
  final Path stateDir;
  private final ForkedJvm fork;

  private TopologyProcess(String name, Path stateDir, ForkedJvm fork) {
    this.name = name;
    this.stateDir = stateDir;
    this.fork = fork;
  }

  /**
   * Starts a topology on the stack's broker with the stack's topology settings, {@code overrides}
   * over them, and its own state folder.
   */
  static TopologyProcess start(String name, Path dir, ConfigSource stack, Path stateDir, Map<String, String> overrides)
      throws IOException {
    Files.createDirectories(stateDir);
    Map<String, String> settings = new TreeMap<>();
    // Exactly what TopologyConfig.from reads; the stack's other settings (its token secret) stay out.
    stack.withPrefix("").forEach((k, v) -> {
      if (k.startsWith("kafka.") || k.startsWith("topology.") || k.startsWith("mailbox.") || k.startsWith("lastseen.")) {
        settings.put(k, v);
      }
    });
    settings.put("topology.state.dir", stateDir.toString());
    settings.put("topology.metrics.port", "0");
    settings.putAll(overrides);
    Path props = dir.resolve(name + ".properties");
    Properties p = new Properties();
    p.putAll(settings);
    try (Writer out = Files.newBufferedWriter(props, StandardCharsets.UTF_8)) {
      p.store(out, "topology " + name);
    }
    ForkedJvm fork = ForkedJvm.start("topology " + name, dir.resolve(name + ".log"), "512m", ForkedJvm.testClassPath(),
        "io.parley.topology.TopologyApp", props.toString());
    return new TopologyProcess(name, stateDir, fork);
  }

  /** Waits until Kafka Streams in the fork is RUNNING; fails at once if the fork died. */
  void awaitRunning(Duration timeout) throws IOException, InterruptedException {
    fork.await(RUNNING, timeout, "RUNNING");
  }

  /** SIGKILL: no shutdown hook, no commit, no leaving the group; open transactions stay open. */
  void kill() throws InterruptedException {
    fork.kill();
  }

  long pid() {
    return fork.pid();
  }

  /** The Kafka Streams process id (a UUID kept in the state folder), part of its transactional ids; from the log. */
  String processId() throws IOException {
    Matcher m = PROCESS_ID.matcher(fork.output());
    if (!m.find()) {
      throw new AssertionError("topology " + name + " has not logged its Streams process id:\n" + tail());
    }
    return m.group(1);
  }

  boolean isAlive() {
    return fork.isAlive();
  }

  Path log() {
    return fork.log();
  }

  String tail() {
    return fork.tail(6_000);
  }

  /** SIGTERM, so the fork leaves its group and the next test's topology is not kept waiting; SIGKILL after 20 s. */
  @Override
  public void close() {
    fork.close();
  }
}
