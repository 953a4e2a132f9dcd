package io.parley.devstack;

import io.parley.config.ConfigSource;
import java.io.IOException;
import java.io.Writer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A gateway ({@code io.parley.gateway.GatewayMain}) in a JVM of its own, on the stack's Kafka and
 * directory, so that a test can SIGSTOP it: a gateway that hangs with its clients' sockets open.
 * Its output goes to {@code <id>.log} in the test's folder.
 */
final class GatewayProcess implements AutoCloseable {
  private static final Pattern LISTENING = Pattern.compile("listening on (http://[0-9.]+:[0-9]+)");
  private static final List<Process> LIVE = new CopyOnWriteArrayList<>();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly), "gateway-forks-kill"));
  }

  final String id;
  private final Process process;
  private final Path log;
  private URI uri;

  private GatewayProcess(String id, Process process, Path log) {
    this.id = id;
    this.process = process;
    this.log = log;
  }

  /** Starts gateway {@code id} with the stack's settings (its token secret and directory included), on a free port. */
  static GatewayProcess start(String id, Path dir, ConfigSource stack, Duration timeout) throws Exception {
    Properties p = new Properties();
    stack.withPrefix("").forEach((k, v) -> {
      if (!k.startsWith("devstack.")) {
        p.put(k, v);
      }
    });
    p.put("gateway.id", id);
    p.put("gateway.host", "127.0.0.1");
    p.put("gateway.port", "0");
    p.put("gateway.check.assets", "false");
    Path props = dir.resolve(id + ".properties");
    try (Writer out = Files.newBufferedWriter(props, StandardCharsets.UTF_8)) {
      p.store(out, "gateway " + id);
    }
    Path log = dir.resolve(id + ".log");
    long logged = Files.exists(log) ? Files.size(log) : 0; // a gateway started again appends to its log
    Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx384m", "-XX:+UseSerialGC", "-Dorg.apache.avro.SERIALIZABLE_PACKAGES=io.parley",
        "-Dlog4j2.configurationFile=" + TopologyProcess.writeLogConfig(dir),
        "-cp", System.getProperty("java.class.path"), "io.parley.gateway.GatewayMain", props.toString())
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    GatewayProcess fork = new GatewayProcess(id, process, log);
    LIVE.add(process);
    fork.awaitListening(logged, timeout);
    return fork;
  }

  private void awaitListening(long from, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      String text = Files.exists(log) ? Files.readString(log, StandardCharsets.ISO_8859_1) : "";
      Matcher m = LISTENING.matcher(text.substring((int) Math.min(from, text.length())));
      if (m.find()) {
        uri = URI.create(m.group(1));
        return;
      }
      if (!process.isAlive()) {
        throw new AssertionError("gateway " + id + " exited with " + process.exitValue() + ":\n" + tail());
      }
      Thread.sleep(100);
    }
    throw new AssertionError("gateway " + id + " not listening within " + timeout + ":\n" + tail());
  }

  URI webSocketUri() {
    return URI.create("ws://" + uri.getHost() + ":" + uri.getPort() + "/v1/ws");
  }

  /** SIGSTOP: the process hangs; its sockets stay open and nothing answers. */
  void pause() throws Exception {
    FaultStack.signal(process.pid(), "STOP");
  }

  void resume() throws Exception {
    FaultStack.signal(process.pid(), "CONT");
  }


  /** SIGKILL: a crashed machine; its clients' sockets are reset. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      throw new AssertionError("gateway " + id + " did not die on SIGKILL");
    }
    LIVE.remove(process);
  }

  long pid() {
    return process.pid();
  }

  String tail() {
    return TopologyProcess.tail(log, 3_000);
  }

  @Override
  public void close() throws Exception {
    if (process.isAlive()) {
      resume(); // a stopped process cannot act on SIGTERM
      process.destroy();
    }
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
    LIVE.remove(process);
  }
}
