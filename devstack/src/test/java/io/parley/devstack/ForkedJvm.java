package io.parley.devstack;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A JVM on the test's class path, started as a child process with its output appended to a log file:
 * what the fault tests' forks (a topology, a gateway, a Connect worker, the S3 server) have in common.
 * A test can SIGKILL it (a crashed machine), SIGSTOP it (a hung one: its sockets stay open, nothing
 * answers) and resume it. Every live fork is also killed by a JVM shutdown hook, so a test JVM that
 * is itself killed (a failsafe timeout) leaves none behind.
 */
final class ForkedJvm implements AutoCloseable {
  private static final List<Process> LIVE = new CopyOnWriteArrayList<>();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly), "forked-jvms-kill"));
  }

  final String name;
  private final Process process;
  private final Path log;
  /** Where this fork's output starts in its log: a fork started again under the same log appends to it. */
  private final long logStart;

  private ForkedJvm(String name, Process process, Path log, long logStart) {
    this.name = name;
    this.process = process;
    this.log = log;
    this.logStart = logStart;
  }

  /**
   * Starts {@code main} with {@code args} on {@code classPath}, with the given heap, the serial
   * collector, Avro's trusted packages and the forks' log configuration (written beside the log).
   */
  static ForkedJvm start(String name, Path log, String heap, String classPath, String main, String... args)
      throws IOException {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx" + heap, "-XX:+UseSerialGC", "-Dorg.apache.avro.SERIALIZABLE_PACKAGES=io.parley",
        "-Dlog4j2.configurationFile=" + writeLogConfig(log.toAbsolutePath().getParent()), "-cp", classPath, main));
    command.addAll(List.of(args));
    long logStart = Files.exists(log) ? Files.size(log) : 0;
    Process process = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    LIVE.add(process);
    return new ForkedJvm(name, process, log, logStart);
  }

  /** The test JVM's own class path. */
  static String testClassPath() {
    return System.getProperty("java.class.path");
  }

  /** Parley at info, Kafka Streams' own account of tasks, restores and rebalances, the rest of Kafka at warn. */
  static Path writeLogConfig(Path dir) throws IOException {
    Path file = dir.resolve("fork-log4j2.xml");
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

  /**
   * Waits until this fork's output shows {@code pattern}, and returns the match; fails at once if the
   * fork died, and after {@code timeout} with {@code what} it was waiting for and the log's tail.
   */
  Matcher await(Pattern pattern, Duration timeout, String what) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      Matcher m = pattern.matcher(output());
      if (m.find()) {
        return m;
      }
      if (!process.isAlive()) {
        throw new AssertionError(name + " exited with " + process.exitValue() + " before " + what + ":\n" + tail());
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(name + " not " + what + " within " + timeout + ":\n" + tail());
      }
      Thread.sleep(100);
    }
  }

  /** This fork's output so far (not that of an earlier fork that wrote the same log). */
  String output() throws IOException {
    if (!Files.exists(log)) {
      return "";
    }
    String text = Files.readString(log, StandardCharsets.ISO_8859_1);
    return text.substring((int) Math.min(logStart, text.length()));
  }

  /** Fails with the log's tail if the fork has exited. */
  void assertAlive(String what) {
    if (!process.isAlive()) {
      throw new AssertionError(name + " exited with " + process.exitValue() + " before " + what + ":\n" + tail());
    }
  }

  /** SIGSTOP: the process hangs; its sockets stay open and nothing answers. */
  void pause() throws Exception {
    FaultStack.signal(process.pid(), "STOP");
  }

  void resume() throws Exception {
    FaultStack.signal(process.pid(), "CONT");
  }

  /** SIGKILL: no shutdown hook, no goodbye to any group; open transactions stay open. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      throw new AssertionError(name + " (pid " + process.pid() + ") did not die on SIGKILL");
    }
    LIVE.remove(process);
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  Path log() {
    return log;
  }

  /** The last {@code chars} characters of the log, for a failure's message. */
  String tail(int chars) {
    return tail(log, chars);
  }

  String tail() {
    return tail(3_000);
  }

  static String tail(Path log, int chars) {
    try {
      String text = Files.readString(log, StandardCharsets.UTF_8);
      return text.substring(Math.max(0, text.length() - chars));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  /** SIGTERM (after a SIGCONT: a stopped process cannot act on it), so the fork leaves its groups; SIGKILL after 20 s. */
  @Override
  public void close() {
    try {
      if (process.isAlive()) {
        try {
          resume();
        } catch (IllegalStateException exited) { // kill -CONT fails only for a process that is gone
          if (process.isAlive()) {
            throw exited;
          }
        }
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      process.destroyForcibly();
      throw new IllegalStateException("cannot stop " + name + " (pid " + process.pid() + ")", e);
    } finally {
      LIVE.remove(process);
    }
  }
}
