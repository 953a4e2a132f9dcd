package io.parley.devstack;

import io.parley.sinks.local.CassandraNode;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Cassandra node for the local stack, forked, with its data in {@code <data>/cassandra}. Skipped
 * when {@code cassandra.contact.points} names an existing cluster, or when {@code cassandra.enabled}
 * is false (then neither history nor last seen is kept, and the history API answers 503).
 */
public final class CassandraService implements LocalService {
  private static final Logger log = LoggerFactory.getLogger(CassandraService.class);
  static final String ENABLED = "cassandra.enabled";
  static final String CONTACT_POINTS = "cassandra.contact.points";

  private CassandraNode node;
  private Map<String, String> settings = Map.of();

  @Override
  public String name() {
    return "Cassandra";
  }

  /** Forks and waits for the local node; the other services boot meanwhile. */
  @Override
  public void prepare(Context context) throws Exception {
    if (!context.config().bool(ENABLED, true)) {
      log.info("Cassandra is disabled ({}=false): no history, no last seen", ENABLED);
      return;
    }
    if (context.config().get(CONTACT_POINTS).isPresent()) {
      log.info("using the Cassandra at {}", context.config().required(CONTACT_POINTS));
      return;
    }
    node = CassandraNode.start(context.dataDir().resolve("cassandra"),
        new CassandraNode.Options(context.config().integer("cassandra.heap.mb", 256), CassandraNode.Options.DEFAULTS.startTimeout()));
    settings = Map.of(CONTACT_POINTS, node.contactPoint(), "cassandra.local.datacenter", "datacenter1");
  }

  @Override
  public void start(Context context) throws Exception {
    // the node is up once prepared, and waits on no other service
  }

  @Override
  public Map<String, String> settings() {
    return settings;
  }

  /** The forked node, if this stack started one (tests stop and restart it). */
  public CassandraNode node() {
    if (node == null) {
      throw new IllegalStateException("this stack runs no local Cassandra node");
    }
    return node;
  }

  @Override
  public void close() throws Exception {
    if (node != null) {
      node.close();
    }
  }
}
