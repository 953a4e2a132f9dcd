package io.parley.sinks.local;

import io.parley.net.FreePorts;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Apache Cassandra in its own JVM, on free loopback ports, with its data in one
 * folder (kept across restarts). Cassandra runs forked rather than in-process: it calls
 * {@code System.exit}, holds static singletons and brings its own logging. Its class path was
 * resolved at build time by {@code parley-cassandra-runtime} and never joins this JVM's.
 */
public final class CassandraNode implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CassandraNode.class);
  private static final String CLASSPATH_RESOURCE = "/io/parley/cassandra/runtime.classpath";
  private static final String MAIN = "org.apache.cassandra.service.CassandraDaemon";
  private static final int ATTEMPTS = 3;

  /** Cassandra's own conf/jvm17-server.options module flags: without them it dies on DirectBuffer.cleaner. */
  private static final List<String> JVM17_FLAGS = List.of(
      "-Djdk.attach.allowAttachSelf=true",
      "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
      "--add-exports", "java.management.rmi/com.sun.jmx.remote.internal.rmi=ALL-UNNAMED",
      "--add-exports", "java.rmi/sun.rmi.registry=ALL-UNNAMED",
      "--add-exports", "java.rmi/sun.rmi.server=ALL-UNNAMED",
      "--add-exports", "java.sql/java.sql=ALL-UNNAMED",
      "--add-exports", "java.base/java.lang.ref=ALL-UNNAMED",
      "--add-exports", "jdk.unsupported/sun.misc=ALL-UNNAMED",
      "--add-exports", "jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
      "--add-exports", "jdk.attach/sun.tools.attach=ALL-UNNAMED",
      "--add-opens", "java.base/java.lang.module=ALL-UNNAMED",
      "--add-opens", "java.base/jdk.internal.loader=ALL-UNNAMED",
      "--add-opens", "java.base/jdk.internal.ref=ALL-UNNAMED",
      "--add-opens", "java.base/jdk.internal.reflect=ALL-UNNAMED",
      "--add-opens", "java.base/jdk.internal.math=ALL-UNNAMED",
      "--add-opens", "java.base/jdk.internal.module=ALL-UNNAMED",
      "--add-opens", "java.base/jdk.internal.util.jar=ALL-UNNAMED",
      "--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED",
      "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
      "--add-opens", "java.base/java.io=ALL-UNNAMED",
      "--add-opens", "java.base/java.lang.reflect=ALL-UNNAMED",
      "--add-opens", "jdk.compiler/com.sun.tools.javac=ALL-UNNAMED",
      "--add-opens", "java.base/java.lang=ALL-UNNAMED",
      "--add-opens", "java.base/java.util=ALL-UNNAMED",
      "-Dio.netty.tryReflectionSetAccessible=true",
      "-Dio.netty.allocator.useCacheForAllThreads=true",
      "-Dio.netty.allocator.maxOrder=11");

  /**
   * @param heapMegabytes the node's heap (its resident size is about 500 MB more)
   * @param startTimeout how long a start may take before it counts as failed
   */
  public record Options(int heapMegabytes, Duration startTimeout) {
    public static final Options DEFAULTS = new Options(256, Duration.ofSeconds(120));
  }

  private final Path dir;
  private final Options options;
  private final int nativePort;
  private final int storagePort;
  private final Thread killOnExit;
  private Process process;
  private Duration lastStart = Duration.ZERO;

  private CassandraNode(Path dir, Options options, int nativePort, int storagePort) {
    this.dir = dir;
    this.options = options;
    this.nativePort = nativePort;
    this.storagePort = storagePort;
    // A test JVM that dies, or Ctrl-C on the local stack, must not leave a Cassandra behind.
    this.killOnExit = new Thread(this::kill, "cassandra-node-stop");
  }

  /** Starts a node with its data in {@code dir}; returns once it accepts CQL connections. */
  public static CassandraNode start(Path dir, Options options) throws IOException, InterruptedException {
    Files.createDirectories(dir.resolve("logs"));
    IllegalStateException last = null;
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      int[] ports = ports(dir, attempt > 1);
      CassandraNode node = new CassandraNode(dir, options, ports[0], ports[1]);
      Runtime.getRuntime().addShutdownHook(node.killOnExit);
      try {
        node.launch();
        return node;
      } catch (IllegalStateException e) {
        last = e;
        node.close();
        log.warn("Cassandra did not start on ports {}/{} (attempt {}): {}", ports[0], ports[1], attempt, e.getMessage());
      }
    }
    throw last;
  }

  public static CassandraNode start(Path dir) throws IOException, InterruptedException {
    return start(dir, Options.DEFAULTS);
  }

  /** The ports this folder's node used before, if both are still free; otherwise new free ones. */
  private static int[] ports(Path dir, boolean fresh) throws IOException {
    Path file = dir.resolve("ports.properties");
    Properties p = new Properties();
    if (!fresh && Files.exists(file)) {
      try (var in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        p.load(in);
      }
      int nat = Integer.parseInt(p.getProperty("native", "0"));
      int storage = Integer.parseInt(p.getProperty("storage", "0"));
      if (isFree(nat) && isFree(storage)) {
        return new int[] {nat, storage};
      }
    }
    int nat = FreePorts.loopback();
    int storage = FreePorts.loopback();
    while (storage == nat) {
      storage = FreePorts.loopback();
    }
    p.setProperty("native", String.valueOf(nat));
    p.setProperty("storage", String.valueOf(storage));
    try (var out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      p.store(out, "ports of the local Cassandra node");
    }
    return new int[] {nat, storage};
  }

  /** Starts the stopped node again, on the same ports and data. */
  public synchronized void restart() throws IOException, InterruptedException {
    if (process != null && process.isAlive()) {
      throw new IllegalStateException("the Cassandra node is running");
    }
    launch();
  }

  private synchronized void launch() throws IOException, InterruptedException {
    writeConfig();
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xms" + options.heapMegabytes() + "m");
    command.add("-Xmx" + options.heapMegabytes() + "m");
    command.addAll(List.of("-XX:+UseG1GC", "-XX:+ExitOnOutOfMemoryError", "-Xss256k"));
    command.addAll(JVM17_FLAGS);
    command.addAll(List.of(
        "-Dcassandra-foreground=yes",
        // one node: nothing to wait for
        "-Dcassandra.skip_wait_for_gossip_to_settle=0",
        "-Dcassandra.ring_delay_ms=0",
        // a development node: schema and system tables are not fsynced, which makes DDL take
        // milliseconds instead of seconds; user data is still written to the commit log as usual
        "-Dcassandra.unsafesystem=true",
        // Cassandra refreshes its approximate clock (used for timeouts of seconds) every 2 ms by
        // default: 500 wake-ups a second, most of an idle node's CPU. 20 ms is ample for timeouts.
        "-Dcassandra.approximate_time_precision_ms=20",
        "-Dcassandra.config=" + dir.resolve("cassandra.yaml").toUri(),
        "-Dcassandra.storagedir=" + dir.resolve("data"),
        "-Dcassandra.logdir=" + dir.resolve("logs"),
        "-Dlogback.configurationFile=" + dir.resolve("logback.xml"),
        "-cp", runtimeClasspath(),
        MAIN));
    long started = System.nanoTime();
    process = new ProcessBuilder(command)
        .directory(dir.toFile())
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("logs").resolve("output.log").toFile()))
        .start();
    awaitNativeTransport(started);
    lastStart = Duration.ofNanos(System.nanoTime() - started);
    log.info("Cassandra (pid {}) accepts CQL on 127.0.0.1:{} after {} ms", process.pid(), nativePort, lastStart.toMillis());
  }

  private void awaitNativeTransport(long started) throws InterruptedException {
    long deadline = started + options.startTimeout().toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("Cassandra exited with " + process.exitValue() + "; see " + dir.resolve("logs"));
      }
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), nativePort), 500);
        return;
      } catch (IOException notYet) {
        Thread.sleep(200);
      }
    }
    throw new IllegalStateException("Cassandra did not accept CQL within " + options.startTimeout().toSeconds() + " s");
  }

  private void writeConfig() throws IOException {
    Path data = dir.resolve("data");
    String yaml = String.join("\n",
        "cluster_name: parley-local",
        "num_tokens: 1",
        "partitioner: org.apache.cassandra.dht.Murmur3Partitioner",
        "endpoint_snitch: SimpleSnitch",
        "data_file_directories: [" + quoted(data.resolve("data")) + "]",
        "commitlog_directory: " + quoted(data.resolve("commitlog")),
        "saved_caches_directory: " + quoted(data.resolve("saved_caches")),
        "hints_directory: " + quoted(data.resolve("hints")),
        "cdc_raw_directory: " + quoted(data.resolve("cdc_raw")),
        "commitlog_sync: periodic",
        "commitlog_sync_period: 10000ms",
        "commitlog_segment_size: 8MiB",
        "commitlog_total_space: 64MiB",
        "seed_provider:",
        "  - class_name: org.apache.cassandra.locator.SimpleSeedProvider",
        "    parameters:",
        "      - seeds: \"127.0.0.1:" + storagePort + "\"",
        "listen_address: 127.0.0.1",
        "rpc_address: 127.0.0.1",
        "storage_port: " + storagePort,
        "native_transport_port: " + nativePort,
        "start_native_transport: true",
        "concurrent_compactors: 1",
        "auto_snapshot: false",
        "");
    Files.writeString(dir.resolve("cassandra.yaml"), yaml, StandardCharsets.UTF_8);
    String logback = String.join("\n",
        "<configuration>",
        "  <appender name=\"FILE\" class=\"ch.qos.logback.core.rolling.RollingFileAppender\">",
        "    <file>" + dir.resolve("logs").resolve("system.log") + "</file>",
        "    <rollingPolicy class=\"ch.qos.logback.core.rolling.FixedWindowRollingPolicy\">",
        "      <fileNamePattern>" + dir.resolve("logs").resolve("system.%i.log") + "</fileNamePattern>",
        "      <minIndex>1</minIndex><maxIndex>2</maxIndex>",
        "    </rollingPolicy>",
        "    <triggeringPolicy class=\"ch.qos.logback.core.rolling.SizeBasedTriggeringPolicy\">",
        "      <maxFileSize>20MB</maxFileSize>",
        "    </triggeringPolicy>",
        "    <encoder><pattern>%d{ISO8601} %-5level [%thread] %logger{24} - %msg%n</pattern></encoder>",
        "  </appender>",
        "  <root level=\"INFO\"><appender-ref ref=\"FILE\"/></root>",
        "</configuration>",
        "");
    Files.writeString(dir.resolve("logback.xml"), logback, StandardCharsets.UTF_8);
  }

  private static String quoted(Path p) {
    return "\"" + p.toAbsolutePath().toString().replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  static String runtimeClasspath() {
    try (InputStream in = CassandraNode.class.getResourceAsStream(CLASSPATH_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("no " + CLASSPATH_RESOURCE + " on the class path: build parley-cassandra-runtime");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read Cassandra's class path", e);
    }
  }

  /** Stops the node as an operator would (SIGTERM: Cassandra drains and flushes), waiting up to 30 s. */
  public synchronized void stop() throws InterruptedException {
    if (process == null || !process.isAlive()) {
      return;
    }
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      log.warn("Cassandra (pid {}) did not stop within 30 s; killing it", process.pid());
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  private void kill() {
    Process p = process;
    if (p != null && p.isAlive()) {
      p.destroy();
      try {
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
          p.destroyForcibly();
        }
      } catch (InterruptedException e) {
        p.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }

  public String contactPoint() {
    return "127.0.0.1:" + nativePort;
  }

  public int nativePort() {
    return nativePort;
  }

  public boolean isRunning() {
    return process != null && process.isAlive();
  }

  public long pid() {
    return process == null ? -1 : process.pid();
  }

  /** How long the last (re)start took until CQL was accepted. */
  public Duration lastStartTime() {
    return lastStart;
  }

  public Path directory() {
    return dir;
  }

  private static boolean isFree(int port) {
    if (port <= 0) {
      return false;
    }
    try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  @Override
  public void close() throws InterruptedException {
    stop();
    try {
      Runtime.getRuntime().removeShutdownHook(killOnExit);
    } catch (IllegalStateException shuttingDown) {
      // the JVM is exiting: the hook runs anyway and finds the node stopped
    }
  }
}
