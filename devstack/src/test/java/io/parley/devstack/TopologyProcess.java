package io.parley.devstack;

import io.parley.config.ConfigSource;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A topology instance ({@code io.parley.topology.TopologyApp}) in a JVM of its own, so that a test
 * can kill it with SIGKILL, mid-transaction, as a crashed machine would. Its output goes to
 * {@code <name>.log} in the test's folder.
 *
 * <p>Every fork is also registered with a JVM shutdown hook: a test JVM that is itself killed (a
 * failsafe timeout) does not leave topology processes behind.
 */
final class TopologyProcess implements AutoCloseable {
  /** What {@code TopologyApp.main} logs once Kafka Streams is RUNNING. */
  private static final String RUNNING = "running against";
  private static final List<TopologyProcess> LIVE = new CopyOnWriteArrayList<>();
  private static final Pattern PROCESS_ID = Pattern.compile("stream-client \\[[^\\]]*?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\\]");

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(p -> p.process.destroyForcibly()), "topology-forks-kill"));
  }

  final String name;
  final Path stateDir;
  private final Process process;
  private final Path log;

  private TopologyProcess(String name, Path stateDir, Process process, Path log) {
    this.name = name;
    this.stateDir = stateDir;
    this.process = process;
    this.log = log;
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
    Path log = dir.resolve(name + ".log");
    Path logConfig = writeLogConfig(dir);
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx512m", "-XX:+UseSerialGC",
        "-Dorg.apache.avro.SERIALIZABLE_PACKAGES=io.parley",
        "-Dlog4j2.configurationFile=" + logConfig,
        "-cp", System.getProperty("java.class.path"),
        "io.parley.topology.TopologyApp", props.toString()));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    TopologyProcess fork = new TopologyProcess(name, stateDir, process, log);
    LIVE.add(fork);
    return fork;
  }

  /** Parley at info, Kafka Streams' own account of tasks, restores and rebalances, the rest of Kafka at warn. */
  static Path writeLogConfig(Path dir) throws IOException {
    Path file = dir.resolve("topology-log4j2.xml");
    if (!Files.exists(file)) {
      Files.writeString(file, """
          <?xml version="1.0" encoding="UTF-8"?>
          <Configuration status="WARN" shutdownHook="disable">
            <Appenders>
              <Console name="out" target="SYSTEM_OUT">
                <PatternLayout pattern="%d{HH:mm:ss.SSS} %-5level [%t] %c{1} - %msg%n"/>
              </Console>
            </Appenders>
            <Loggers>
              <Logger name="io.parley" level="info"/>
              <Logger name="org.apache.kafka" level="warn"/>
              <Logger name="org.apache.kafka.streams.KafkaStreams" level="info"/>
              <Logger name="org.apache.kafka.streams.processor.internals.StreamThread" level="info"/>
              <Logger name="org.apache.kafka.streams.processor.internals.StoreChangelogReader" level="info"/>
              <Logger name="org.apache.kafka.streams.processor.internals.TaskManager" level="info"/>
              <Root level="warn"><AppenderRef ref="out"/></Root>
            </Loggers>
          </Configuration>
          """, StandardCharsets.UTF_8);
    }
    return file;
  }

  /** Waits until Kafka Streams in the fork is RUNNING; fails at once if the fork died. */
  void awaitRunning(Duration timeout) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (Files.exists(log) && Files.readString(log, StandardCharsets.UTF_8).contains(RUNNING)) {
        return;
      }
      if (!process.isAlive()) {
        throw new AssertionError("topology " + name + " exited with " + process.exitValue() + ":\n" + tail());
      }
      Thread.sleep(100);
    }
    throw new AssertionError("topology " + name + " not RUNNING within " + timeout + ":\n" + tail());
  }

  /** SIGKILL: no shutdown hook, no commit, no leaving the group; open transactions stay open. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      throw new AssertionError("topology " + name + " (pid " + process.pid() + ") did not die on SIGKILL");
    }
    LIVE.remove(this);
  }

  long pid() {
    return process.pid();
  }

  /** The Kafka Streams process id (a UUID kept in the state folder), part of its transactional ids; from the log. */
  String processId() throws IOException {
    Matcher m = PROCESS_ID.matcher(Files.readString(log, StandardCharsets.UTF_8));
    if (!m.find()) {
      throw new AssertionError("topology " + name + " has not logged its Streams process id:\n" + tail());
    }
    return m.group(1);
  }

  boolean isAlive() {
    return process.isAlive();
  }

  Path log() {
    return log;
  }

  String tail() {
    return tail(log, 6_000);
  }

  /** The last {@code chars} characters of a forked process's log, for a failure's message. */
  static String tail(Path log, int chars) {
    try {
      String text = Files.readString(log, StandardCharsets.UTF_8);
      return text.substring(Math.max(0, text.length() - chars));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  /** SIGTERM, so the fork leaves its group and the next test's topology is not kept waiting; SIGKILL after 20 s. */
  @Override
  public void close() {
    try {
      if (process.isAlive()) {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    } finally {
      LIVE.remove(this);
    }
  }
}
