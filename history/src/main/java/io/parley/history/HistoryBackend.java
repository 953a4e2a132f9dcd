package io.parley.history;

import com.datastax.oss.driver.api.core.CqlSession;
import io.parley.auth.TokenService;
import io.parley.config.ConfigSource;
import io.parley.directory.DirectoryConfig;
import io.parley.directory.SendChecks;
import io.parley.directory.db.DirectoryDatabase;
import io.parley.history.ConversationAccess.GroupMembership;
import io.parley.sinks.cassandra.CassandraSettings;
import io.parley.sinks.cassandra.CqlSchema;
import io.parley.sinks.cassandra.CqlSessions;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Map;
import org.eclipse.jetty.server.Handler;
import org.jdbi.v3.core.JdbiException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the history API reads: the Cassandra the sinks write (its schema checked, and applied if
 * missing, at open) and the directory's database for group membership and whether a user exists,
 * read without migrating it (the one {@code directory.jdbc.url} names; in production a read replica
 * will do, only {@code group_members} and {@code users} are read) through the directory's own
 * {@link SendChecks}, which caches each answer for a few seconds. Without {@code directory.jdbc.url},
 * group history is refused (403) and presence is told for any well-formed user id.
 * The same code serves the local stack, which mounts {@link #routes()} on its gateways, and
 * {@link HistoryServer}, the API's own process.
 */
public final class HistoryBackend implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HistoryBackend.class);

  private final CqlSession session;
  private final DirectoryDatabase directory;
  private final Map<String, Handler> routes;

  private HistoryBackend(CqlSession session, DirectoryDatabase directory, Map<String, Handler> routes) {
    this.session = session;
    this.directory = directory;
    this.routes = routes;
  }

  /**
   * Reads {@code history.*}, {@code cassandra.*} (contact points required) and {@code directory.jdbc.*}.
   *
   * @param applySchema true: create the keyspace and apply missing CQL versions (the local stack);
   *     false: only check that they are there (the API's own process, which must not create a
   *     production keyspace with whatever replication it happens to be given)
   */
  public static HistoryBackend open(ConfigSource config, TokenService tokens, PrometheusRegistry registry,
      boolean applySchema) {
    HistorySettings settings = HistorySettings.from(config);
    CassandraSettings cassandra = CassandraSettings.from(config);
    DirectoryDatabase directory = null;
    CqlSession session = null;
    boolean opened = false;
    try {
      GroupMembership groups = GroupMembership.UNKNOWN;
      KnownUsers users = KnownUsers.EVERYONE;
      SharedGroups shared = SharedGroups.NONE;
      if (config.get("directory.jdbc.url").isEmpty()) {
        log.warn("no directory (directory.jdbc.url is not set): group history is refused, "
            + "presence is told for any user id");
      } else {
        directory = DirectoryDatabase.open(DirectoryConfig.from(
            config.with("directory.pool.size", config.string("history.directory.pool.size", "2"))), false);
        SendChecks checks = new SendChecks(directory.jdbi());
        groups = membership(checks);
        users = knownUsers(checks);
        shared = sharedGroups(checks);
      }
      long started = System.nanoTime();
      session = CqlSessions.open(cassandra, HistoryBackend.class.getClassLoader());
      long connected = System.nanoTime();
      if (applySchema) {
        CqlSchema.migrate(session, cassandra.keyspace(), cassandra.replication());
      } else {
        CqlSchema.verify(session, cassandra.keyspace());
      }
      log.info("Cassandra session in {} ms, schema checked in {} ms", (connected - started) / 1_000_000,
          (System.nanoTime() - connected) / 1_000_000);
      Map<String, Handler> routes = HistoryApi.routes(settings, ConversationAccess.participants(groups), users, shared,
          HistoryStore.cassandra(session, cassandra.keyspace()), tokens, registry);
      HistoryBackend backend = new HistoryBackend(session, directory, routes);
      opened = true;
      return backend;
    } finally {
      if (!opened) {
        close(session, directory);
      }
    }
  }

  private static GroupMembership membership(SendChecks checks) {
    return (group, user) -> {
      try {
        return checks.memberSince(group, user);
      } catch (JdbiException e) {
        throw new DirectoryUnavailable("the directory cannot say who is in " + group, e);
      }
    };
  }

  private static SharedGroups sharedGroups(SendChecks checks) {
    return (a, b) -> {
      try {
        return checks.shareAGroup(a, b);
      } catch (JdbiException e) {
        throw new DirectoryUnavailable("the directory cannot say whether " + a + " and " + b + " share a group", e);
      }
    };
  }

  private static KnownUsers knownUsers(SendChecks checks) {
    return user -> {
      try {
        return checks.userExists(user);
      } catch (JdbiException e) {
        throw new DirectoryUnavailable("the directory cannot say whether " + user + " exists", e);
      }
    };
  }

  /** The API's handlers by path spec (regex specs, see {@link HistoryApi}). */
  public Map<String, Handler> routes() {
    return routes;
  }

  @Override
  public void close() {
    close(session, directory);
  }

  private static void close(CqlSession session, DirectoryDatabase directory) {
    try {
      if (session != null) {
        session.close();
      }
    } finally {
      if (directory != null) {
        directory.close();
      }
    }
  }
}
