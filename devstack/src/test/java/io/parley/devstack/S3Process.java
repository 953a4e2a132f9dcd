package io.parley.devstack;

import io.parley.assets.s3proxy.LocalS3;
import io.parley.net.FreePorts;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The local S3 API server ({@link LocalS3}: s3proxy over a folder) in a JVM of its own, so that a
 * test can SIGSTOP it: an object store that hangs with its connections open. Output goes to
 * {@code s3.log}; {@link #main} is what the fork runs.
 */
final class S3Process implements AutoCloseable {
  private static final String READY = "S3 ready on port ";
  private static final List<Process> LIVE = new CopyOnWriteArrayList<>();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly), "s3-forks-kill"));
  }

  private final Process process;
  private final Path log;
  private final int port;

  private S3Process(Process process, Path log, int port) {
    this.process = process;
    this.log = log;
    this.port = port;
  }

  /** The fork: {@code S3Process <folder> <port>} serves the folder's buckets until killed. */
  public static void main(String[] args) throws Exception {
    LocalS3 s3 = LocalS3.start(Path.of(args[0]), Integer.parseInt(args[1]));
    System.out.println(READY + s3.port());
    Thread.currentThread().join();
  }

  static S3Process start(Path dir, Duration timeout) throws Exception {
    int port = FreePorts.loopback();
    Path log = dir.resolve("s3.log");
    Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-XX:+UseSerialGC", "-Dlog4j2.configurationFile=" + TopologyProcess.writeLogConfig(dir),
        "-cp", System.getProperty("java.class.path"), S3Process.class.getName(), dir.resolve("s3").toString(),
        String.valueOf(port)).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    LIVE.add(process);
    S3Process s3 = new S3Process(process, log, port);
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!(Files.exists(log) && Files.readString(log, StandardCharsets.UTF_8).contains(READY))) {
      if (!process.isAlive() || System.nanoTime() > deadline) {
        s3.close();
        throw new AssertionError("S3 server not ready within " + timeout + ":\n" + s3.tail());
      }
      Thread.sleep(100);
    }
    return s3;
  }

  /** The asset service's settings that point it at this server. */
  Map<String, String> settings() {
    return Map.of(
        "assets.s3.endpoint", "http://127.0.0.1:" + port,
        "assets.s3.region", LocalS3.REGION,
        "assets.s3.access.key", LocalS3.ACCESS_KEY,
        "assets.s3.secret.key", LocalS3.SECRET_KEY,
        "assets.s3.path.style", "true");
  }

  /** SIGSTOP: the server hangs; its connections stay open and nothing answers. */
  void pause() throws Exception {
    FaultStack.signal(process.pid(), "STOP");
  }

  void resume() throws Exception {
    FaultStack.signal(process.pid(), "CONT");
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
