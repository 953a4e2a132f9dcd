package io.parley.sinks.local;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.utils.Exit;
import org.apache.kafka.connect.cli.ConnectStandalone;
import org.apache.kafka.connect.errors.NotFoundException;
import org.apache.kafka.connect.runtime.Connect;
import org.apache.kafka.connect.runtime.RestartRequest;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorStateInfo;
import org.apache.kafka.connect.runtime.standalone.StandaloneHerder;
import org.apache.kafka.connect.util.FutureCallback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Kafka Connect worker in this JVM, in standalone mode, that finds Parley's connectors on the class
 * path through their {@code META-INF/services} entry (no plugin scanning). Sink offsets live in
 * Kafka consumer groups, so a restarted worker resumes where the last one committed.
 */
public final class ConnectWorker implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ConnectWorker.class);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

  private final Connect<StandaloneHerder> connect;

  private ConnectWorker(Connect<StandaloneHerder> connect) {
    this.connect = connect;
  }

  /**
   * @param dataDir where the worker keeps its (source-only) offsets file
   * @param overrides worker settings over the local defaults
   */
  public static ConnectWorker start(String bootstrapServers, Path dataDir, Map<String, String> overrides) throws Exception {
    Files.createDirectories(dataDir);
    Map<String, String> props = new HashMap<>();
    props.put("bootstrap.servers", bootstrapServers);
    props.put("listeners", "http://127.0.0.1:0");
    props.put("plugin.discovery", "service_load");
    props.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
    props.put("value.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
    props.put("offset.storage.file.filename", dataDir.resolve("connect.offsets").toString());
    props.put("offset.flush.interval.ms", "5000");
    props.put("task.shutdown.graceful.timeout.ms", "5000");
    // A restarted local stack should not wait out the previous worker's consumer-group membership.
    props.put("consumer.session.timeout.ms", "10000");
    props.put("consumer.heartbeat.interval.ms", "2000");
    props.putAll(overrides);
    guardExit();
    long started = System.nanoTime();
    Connect<StandaloneHerder> connect = new ConnectStandalone().startConnect(props);
    log.info("Kafka Connect worker up at {} in {} ms", connect.rest().advertisedUrl(), (System.nanoTime() - started) / 1_000_000);
    return new ConnectWorker(connect);
  }

  /** Connect asks the JVM to exit when it cannot start; in-process, that must be an exception. */
  private static void guardExit() {
    Exit.setExitProcedure((code, message) -> {
      throw new IllegalStateException("Kafka Connect asked to exit (" + code + "): " + message);
    });
  }

  /** Creates or replaces a connector. */
  public void put(String name, Map<String, String> config) throws Exception {
    FutureCallback<Object> done = new FutureCallback<>();
    connect.herder().putConnectorConfig(name, config, true, (error, result) -> done.onCompletion(error, result));
    await(done, "configure connector " + name);
  }

  public void delete(String name) throws Exception {
    FutureCallback<Object> done = new FutureCallback<>();
    connect.herder().deleteConnectorConfig(name, (error, result) -> done.onCompletion(error, result));
    await(done, "delete connector " + name);
  }

  /** Restarts the connector and all its tasks, as {@code POST /connectors/{name}/restart?includeTasks=true} does. */
  public void restart(String name) throws Exception {
    FutureCallback<Object> done = new FutureCallback<>();
    connect.herder().restartConnectorAndTasks(new RestartRequest(name, false, true),
        (error, result) -> done.onCompletion(error, result));
    await(done, "restart connector " + name);
  }

  public Optional<ConnectorStateInfo> status(String name) {
    try {
      return Optional.of(connect.herder().connectorStatus(name));
    } catch (NotFoundException e) {
      return Optional.empty();
    }
  }

  /** Waits until the connector and at least one task run; fails at once if one has failed. */
  public void awaitRunning(String name, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      Optional<ConnectorStateInfo> status = status(name);
      if (status.isPresent()) {
        ConnectorStateInfo s = status.get();
        if ("FAILED".equals(s.connector().state()) || s.tasks().stream().anyMatch(t -> "FAILED".equals(t.state()))) {
          throw new IllegalStateException("connector " + name + " failed: " + s.connector().trace()
              + s.tasks().stream().map(ConnectorStateInfo.TaskState::trace).filter(t -> t != null).findFirst().orElse(""));
        }
        if ("RUNNING".equals(s.connector().state()) && !s.tasks().isEmpty()
            && s.tasks().stream().allMatch(t -> "RUNNING".equals(t.state()))) {
          return;
        }
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("connector " + name + " not running after " + timeout.toSeconds() + " s: " + status(name));
  }

  public URI restUrl() {
    return connect.rest().advertisedUrl();
  }

  private static void await(FutureCallback<Object> done, String what) throws Exception {
    try {
      done.get(REQUEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot " + what + ": " + e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException("cannot " + what + ": no answer within " + REQUEST_TIMEOUT.toSeconds() + " s", e);
    }
  }

  @Override
  public void close() {
    connect.stop();
    connect.awaitStop();
  }
}
