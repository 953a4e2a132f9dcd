package io.parley.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The compose cluster as the test drives it: {@code ./parley cluster} with its own project name,
 * state folder and ports (so a developer's cluster is left alone), and {@code docker kill} /
 * {@code docker start} on single containers. Every command's output goes to one log file.
 */
final class Cluster {
  static final String PROJECT = "parley-it";
  final Path root;
  final Path state;
  final Path log;
  final int port;
  final int prometheusPort;

  Cluster(Path root, Path state, int port, int prometheusPort) throws IOException {
    this.root = root;
    this.state = state;
    this.port = port;
    this.prometheusPort = prometheusPort;
    Files.createDirectories(state);
    this.log = state.resolve("cluster.log");
  }

  void up(Duration timeout) throws Exception {
    run(timeout, "docker/cluster", "up");
  }

  /** Stops and removes the containers and their volumes, and the dockerd that {@code up} started. */
  void down() throws Exception {
    run(Duration.ofMinutes(3), "docker/cluster", "down", "--volumes");
  }

  /** The container of one compose service, e.g. {@code broker-2}. */
  String container(String service) throws Exception {
    String id = run(Duration.ofSeconds(30), "docker/cluster", "compose", "ps", "-q", service).strip();
    if (id.isEmpty()) {
      throw new IllegalStateException("no container for " + service);
    }
    return id;
  }

  /** SIGKILL, as {@code docker kill} sends it: no shutdown hook, no goodbye to Kafka or clients. */
  void kill(String service) throws Exception {
    run(Duration.ofSeconds(30), "docker", "kill", container(service));
  }

  void start(String service) throws Exception {
    run(Duration.ofSeconds(60), "docker", "start", container(service));
  }

  /** The compose health of a service's container: healthy, starting, unhealthy. */
  String health(String service) throws Exception {
    return run(Duration.ofSeconds(30), "docker", "inspect", "-f", "{{.State.Health.Status}}", container(service)).strip();
  }

  String logs(String service) {
    try {
      return run(Duration.ofSeconds(30), "docker/cluster", "logs", "--no-color", service);
    } catch (Exception e) {
      return "(no logs: " + e + ")";
    }
  }

  String run(Duration timeout, String... command) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(command));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(root.toFile()).redirectErrorStream(true);
    Map<String, String> env = pb.environment();
    env.put("PARLEY_CLUSTER_PROJECT", PROJECT);
    env.put("PARLEY_CLUSTER_STATE", state.toString());
    env.put("PARLEY_CLUSTER_PORT", String.valueOf(port));
    env.put("PARLEY_PROMETHEUS_PORT", String.valueOf(prometheusPort));
    Path out = Files.createTempFile(state, "cmd", ".log");
    pb.redirectOutput(out.toFile());
    Process p = pb.start();
    boolean done = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    String text = Files.readString(out, StandardCharsets.UTF_8);
    Files.delete(out);
    Files.writeString(log, "$ " + String.join(" ", cmd) + "\n" + text, StandardCharsets.UTF_8,
        java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
    if (!done) {
      p.destroyForcibly();
      throw new IllegalStateException(String.join(" ", cmd) + " did not finish within " + timeout + ":\n" + tail(text));
    }
    if (p.exitValue() != 0) {
      throw new IllegalStateException(String.join(" ", cmd) + " failed (" + p.exitValue() + "):\n" + tail(text));
    }
    return text;
  }

  private static String tail(String text) {
    return text.substring(Math.max(0, text.length() - 4_000));
  }
}
