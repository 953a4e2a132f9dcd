package io.parley.bench.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A child JVM on the benchmark's own classpath: Kafka's tools and the measured gateway run in
 * their own processes, as they would in production, and are always stopped by their own pid.
 */
public final class JavaFork implements AutoCloseable {
  private final Process process;
  private final Path output;
  private final String name;

  private JavaFork(String name, Process process, Path output) {
    this.name = name;
    this.process = process;
    this.output = output;
  }

  /**
   * Starts {@code mainClass} with {@code jvmOptions}; stdout and stderr go to {@code logDir/<name>.out}.
   */
  public static JavaFork start(String name, Path logDir, List<String> jvmOptions, String mainClass, List<String> args)
      throws IOException {
    Files.createDirectories(logDir);
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.add("-Dparley.log.dir=" + logDir);
    command.add("-Dorg.apache.avro.SERIALIZABLE_PACKAGES=io.parley");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(mainClass);
    command.addAll(args);
    Path out = logDir.resolve(name + ".out");
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    return new JavaFork(name, p, out);
  }

  /** Waits for the child to exit and returns what it printed; a non-zero exit is an error. */
  public String await(Duration timeout) throws IOException, InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      close();
      throw new IllegalStateException(name + " did not finish within " + timeout + "; see " + output);
    }
    String text = Files.readString(output);
    if (process.exitValue() != 0) {
      throw new IllegalStateException(name + " exited with " + process.exitValue() + ":\n" + tail(text));
    }
    return text;
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public String output() throws IOException {
    return Files.readString(output);
  }

  private static String tail(String text) {
    return text.length() <= 4000 ? text : text.substring(text.length() - 4000);
  }

  /** Asks the child to stop (SIGTERM, so shutdown hooks run), then kills it after 20 s. */
  @Override
  public void close() {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
