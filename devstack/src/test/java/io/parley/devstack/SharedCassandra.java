package io.parley.devstack;

import io.parley.sinks.local.CassandraNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One real Cassandra node for every integration test in this JVM that keeps history or last seen
 * (starting one takes 10–40 s here); each local stack gets its own keyspace on it. Started on first
 * use, stopped when the JVM ends.
 */
final class SharedCassandra {
  private static final AtomicInteger KEYSPACES = new AtomicInteger();
  private static CassandraNode node;

  private SharedCassandra() {}

  /** The node's process id, for the fault tests. */
  static synchronized long pid() {
    if (node == null) {
      throw new IllegalStateException("no Cassandra node started yet");
    }
    return node.pid();
  }

  /** Settings that point a local stack at the shared node, in a keyspace no other stack uses. */
  static synchronized Map<String, String> newKeyspace() throws Exception {
    if (node == null) {
      Path dir = Files.createTempDirectory("parley-cassandra");
      node = CassandraNode.start(dir);
      CassandraNode started = node;
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          started.close();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        StackFixture.deleteQuietly(dir);
      }, "cassandra-shared-stop"));
    }
    return Map.of(
        CassandraService.ENABLED, "true",
        CassandraService.CONTACT_POINTS, node.contactPoint(),
        "cassandra.keyspace", "parley_it_" + KEYSPACES.incrementAndGet());
  }
}
