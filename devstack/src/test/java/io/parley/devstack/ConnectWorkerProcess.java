package io.parley.devstack;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.http.HttpJson;
import io.parley.net.FreePorts;
import java.io.IOException;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * A Kafka Connect worker in distributed mode ({@code ConnectDistributed}) in a JVM of its own,
 * running Parley's sink connectors from the class path, so that a test can SIGKILL one worker of a
 * group and watch the others take its tasks over. Workers started with the same {@code group}
 * share their configs, offsets and status topics. It runs as a {@link ForkedJvm}; output goes to
 * {@code connect-<name>.log}.
 */
final class ConnectWorkerProcess implements AutoCloseable {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  final String name;
  final URI rest;
  private final Path log;
  private ForkedJvm fork;

  private ConnectWorkerProcess(String name, URI rest, Path log) {
    this.name = name;
    this.rest = rest;
    this.log = log;
  }

  /**
   * Starts worker {@code name} of Connect group {@code group} and waits until its REST API answers.
   * A departed worker's tasks move to the others after {@code scheduled.rebalance.max.delay.ms}
   * (5 minutes by default: a worker that restarts at once keeps its tasks); here 10 s.
   */
  static ConnectWorkerProcess start(String name, String group, Path dir, String bootstrapServers, int replication,
      Duration timeout) throws Exception {
    int port = FreePorts.loopback();
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrapServers);
    p.put("group.id", group);
    p.put("listeners", "http://127.0.0.1:" + port);
    p.put("rest.advertised.host.name", "127.0.0.1");
    p.put("rest.advertised.port", String.valueOf(port));
    p.put("plugin.discovery", "service_load");
    p.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
    p.put("value.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
    for (String store : List.of("config", "offset", "status")) {
      p.put(store + ".storage.topic", group + "-" + store + "s");
      p.put(store + ".storage.replication.factor", String.valueOf(replication));
    }
    p.put("offset.storage.partitions", "5");
    p.put("status.storage.partitions", "1");
    p.put("offset.flush.interval.ms", "5000");
    p.put("session.timeout.ms", "10000");
    p.put("heartbeat.interval.ms", "2000");
    p.put("scheduled.rebalance.max.delay.ms", "10000");
    p.put("task.shutdown.graceful.timeout.ms", "5000");
    // the sink tasks' consumers: a dead worker's partitions are free again after 10 s
    p.put("consumer.session.timeout.ms", "10000");
    p.put("consumer.heartbeat.interval.ms", "2000");
    Path props = dir.resolve("connect-" + name + ".properties");
    try (Writer out = Files.newBufferedWriter(props, StandardCharsets.UTF_8)) {
      p.store(out, "Connect worker " + name);
    }
    ConnectWorkerProcess worker = new ConnectWorkerProcess(name, URI.create("http://127.0.0.1:" + port),
        dir.resolve("connect-" + name + ".log"));
    worker.fork = ForkedJvm.start("Connect worker " + name, worker.log, "256m", classPath(),
        "org.apache.kafka.connect.cli.ConnectDistributed", props.toString());
    try {
      worker.awaitRest(timeout);
    } catch (Exception | AssertionError e) {
      worker.close();
      throw e;
    }
    return worker;
  }

  /**
   * The test class path with the servlet API Connect's REST server is built on (6.0, copied to
   * {@code target/connect-worker-lib} by the build) in place of s3proxy's 5.0, which it lacks classes of.
   */
  private static String classPath() throws IOException {
    Path servlet6 = Path.of("target", "connect-worker-lib", "jakarta.servlet-api-6.0.0.jar").toAbsolutePath();
    if (!Files.exists(servlet6)) {
      throw new IllegalStateException(servlet6 + " is missing: the build copies it (mvn generate-test-resources)");
    }
    List<String> entries = new ArrayList<>();
    entries.add(servlet6.toString());
    for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
      if (!Path.of(entry).getFileName().toString().startsWith("jakarta.servlet-api-")) {
        entries.add(entry);
      }
    }
    return String.join(java.io.File.pathSeparator, entries);
  }

  private void awaitRest(Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      fork.assertAlive("its REST API answered");
      try {
        if (get("/connectors").statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(250);
    }
    throw new AssertionError("Connect worker " + name + " not answering within " + timeout + ":\n" + tail());
  }

  /** Creates or replaces a connector through this worker's REST API (it forwards to the group's leader). */
  void put(String connector, Map<String, String> config) throws Exception {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(rest.resolve("/connectors/" + connector + "/config"))
        .timeout(Duration.ofSeconds(60)).header("Content-Type", "application/json")
        .PUT(HttpRequest.BodyPublishers.ofString(HttpJson.MAPPER.writeValueAsString(config))).build(),
        HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200 && r.statusCode() != 201) {
      throw new IllegalStateException("PUT connector " + connector + ": " + r.statusCode() + " " + r.body());
    }
  }

  /** {@code GET /connectors/<name>/status}, or null while the worker cannot tell. */
  JsonNode status(String connector) {
    try {
      HttpResponse<String> r = get("/connectors/" + connector + "/status");
      return r.statusCode() == 200 ? HttpJson.MAPPER.readTree(r.body()) : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(rest.resolve(path)).timeout(Duration.ofSeconds(10)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** The {@code worker_id} ({@code 127.0.0.1:port}) this worker's tasks carry in a status. */
  String workerId() {
    return rest.getHost() + ":" + rest.getPort();
  }

  /** SIGKILL: no goodbye to the group; its tasks stay assigned to it until the group gives up on it. */
  void kill() throws InterruptedException {
    fork.kill();
  }

  long pid() {
    return fork.pid();
  }

  String tail() {
    return fork.tail();
  }

  @Override
  public void close() {
    if (fork != null) {
      fork.close();
    }
  }
}
