package io.parley.devstack;

import io.parley.config.ConfigSource;
import java.io.Writer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * A gateway ({@code io.parley.gateway.GatewayMain}) in a JVM of its own ({@link ForkedJvm}), on the
 * stack's Kafka and directory, so that a test can SIGSTOP it: a gateway that hangs with its clients'
 * sockets open. Its output goes to {@code <id>.log} in the test's folder; started again under the
 * same id, it appends to it.
 */
final class GatewayProcess implements AutoCloseable {
  private static final Pattern LISTENING = Pattern.compile("listening on (http://[0-9.]+:[0-9]+)");

  final String id;
  private final ForkedJvm fork;
  private final URI uri;

  private GatewayProcess(String id, ForkedJvm fork, URI uri) {
    this.id = id;
    this.fork = fork;
    this.uri = uri;
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
    ForkedJvm fork = ForkedJvm.start("gateway " + id, dir.resolve(id + ".log"), "384m", ForkedJvm.testClassPath(),
        "io.parley.gateway.GatewayMain", props.toString());
    try {
      return new GatewayProcess(id, fork, URI.create(fork.await(LISTENING, timeout, "listening").group(1)));
    } catch (Exception | AssertionError e) {
      fork.close();
      throw e;
    }
  }

  URI webSocketUri() {
    return URI.create("ws://" + uri.getHost() + ":" + uri.getPort() + "/v1/ws");
  }

  /** SIGSTOP: the process hangs; its sockets stay open and nothing answers. */
  void pause() throws Exception {
    fork.pause();
  }

  void resume() throws Exception {
    fork.resume();
  }

  /** SIGKILL: a crashed machine; its clients' sockets are reset. */
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
    fork.close();
  }
}
