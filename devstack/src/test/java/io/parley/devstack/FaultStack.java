package io.parley.devstack;

import io.parley.kafka.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.eclipse.jetty.websocket.client.WebSocketClient;

/**
 * What a fault test class keeps beside its stack: a folder for the logs of the processes it kills,
 * a reader of the stack's topics ({@link TopicEvidence}), sockets of its own (the stack's client
 * gives up on a socket after 30 s without a frame, as happens while a part is down), and the seed of
 * its random choices. Each test takes a {@link FaultRun} from it.
 */
final class FaultStack implements AutoCloseable {
  final Path dir;
  final StackFixture it;
  final TopicEvidence topics;
  final WebSocketClient sockets;
  final long seed;

  @FunctionalInterface
  interface Stack {
    StackFixture start(Path dir) throws Exception;
  }

  private FaultStack(Path dir, StackFixture it, TopicEvidence topics, WebSocketClient sockets, long seed) {
    this.dir = dir;
    this.it = it;
    this.topics = topics;
    this.sockets = sockets;
    this.seed = seed;
  }

  /** A seed from {@code -Dfault.seed}, or a fresh one. */
  static long seed() {
    return Long.getLong("fault.seed", System.nanoTime());
  }

  static FaultStack start(String name, long seed, Stack stack) throws Exception {
    Path dir = Files.createTempDirectory("parley-" + name);
    StackFixture it = null;
    TopicEvidence topics = null;
    WebSocketClient sockets = new WebSocketClient();
    try {
      it = stack.start(dir);
      topics = new TopicEvidence(it.stack.bootstrapServers(), Topics.from(it.stack.config()));
      sockets.setIdleTimeout(Duration.ofMinutes(5));
      sockets.start();
    } catch (Exception e) {
      new FaultStack(dir, it, topics, sockets, seed).close();
      throw e;
    }
    System.out.printf("%s: seed %d, logs in %s%n", name, seed, dir);
    return new FaultStack(dir, it, topics, sockets, seed);
  }

  FaultRun run(String test, Supplier<String> processTails) {
    return new FaultRun(it, sockets, topics, dir, test, seed, processTails);
  }

  /** The topics a message crosses on this stack: the mailbox, then each of these gateways' deliveries. */
  List<String> messagePath(List<String> gateways) {
    Topics names = Topics.from(it.stack.config());
    List<String> path = new java.util.ArrayList<>(List.of(names.mailbox().name()));
    gateways.forEach(id -> path.add(names.deliveries(id).name()));
    return List.copyOf(path);
  }

  /** {@code kill -<signal> <pid>}: STOP hangs a process with its sockets open, CONT resumes it. */
  static void signal(long pid, String signal) throws Exception {
    if (new ProcessBuilder("kill", "-" + signal, String.valueOf(pid)).inheritIO().start().waitFor() != 0) {
      throw new IllegalStateException("kill -" + signal + " " + pid + " failed");
    }
  }

  /** One {@code kill -KILL} for all of these processes: everything crashes at the same moment. */
  static void killAll(List<Long> pids) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of("kill", "-KILL"));
    pids.forEach(pid -> command.add(String.valueOf(pid)));
    if (new ProcessBuilder(command).inheritIO().start().waitFor() != 0) {
      throw new IllegalStateException(String.join(" ", command) + " failed");
    }
  }

  @Override
  public void close() throws Exception {
    try {
      sockets.stop();
    } finally {
      try {
        if (topics != null) {
          topics.close();
        }
      } finally {
        if (it != null) {
          it.close();
        }
      }
    }
  }
}
