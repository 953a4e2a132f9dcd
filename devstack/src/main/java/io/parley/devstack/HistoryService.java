package io.parley.devstack;

import com.datastax.oss.driver.api.core.CqlSession;
import io.parley.config.ConfigSource;
import io.parley.directory.DirectoryConfig;
import io.parley.directory.SendChecks;
import io.parley.directory.db.DirectoryDatabase;
import io.parley.history.ConversationAccess;
import io.parley.history.ConversationAccess.GroupMembership;
import io.parley.history.HistoryApi;
import io.parley.history.HistorySettings;
import io.parley.history.HistoryStore;
import io.parley.http.HttpError;
import io.parley.http.HttpJson;
import io.parley.sinks.cassandra.CassandraSettings;
import io.parley.sinks.cassandra.CqlSchema;
import io.parley.sinks.cassandra.CqlSessions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.jdbi.v3.core.JdbiException;

/**
 * The history and presence API on the local stack's one origin, reading the Cassandra the sinks
 * write. Who is in a group is the directory's answer: the API reads the directory's database (the
 * one {@code directory.jdbc.url} names, as a production history process would read a replica),
 * without migrating it, through the directory's own {@link SendChecks}, which caches each answer for
 * a few seconds. Without a directory, group history is refused (403).
 */
public final class HistoryService implements LocalService {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(HistoryService.class);
  private CqlSession session;
  private DirectoryDatabase directory;
  private Map<String, Handler> routes = Map.of();

  @Override
  public String name() {
    return "History API";
  }

  @Override
  public void start(Context context) throws Exception {
    HistorySettings settings = HistorySettings.from(context.config());
    if (context.config().get(CassandraService.CONTACT_POINTS).isEmpty()) {
      routes = unavailable();
      return;
    }
    try {
      GroupMembership groups = groupMembership(context.config());
      CassandraSettings cassandra = CassandraSettings.from(context.config());
      long started = System.nanoTime();
      session = CqlSessions.open(cassandra, getClass().getClassLoader());
      long opened = System.nanoTime();
      CqlSchema.migrate(session, cassandra.keyspace(), cassandra.replication());
      log.info("Cassandra session in {} ms, schema checked in {} ms", (opened - started) / 1_000_000,
          (System.nanoTime() - opened) / 1_000_000);
      routes = HistoryApi.routes(settings, ConversationAccess.participants(groups),
          HistoryStore.cassandra(session, cassandra.keyspace()), context.tokens(), context.registry());
    } catch (Exception e) {
      close(); // the stack closes only services that started
      throw e;
    }
  }

  /** The directory's membership, read from its database with a small pool of its own. */
  private GroupMembership groupMembership(ConfigSource config) {
    if (config.get("directory.jdbc.url").isEmpty()) {
      log.warn("no directory (directory.jdbc.url is not set): group history is refused");
      return GroupMembership.UNKNOWN;
    }
    DirectoryConfig directoryConfig = DirectoryConfig.from(
        config.with("directory.pool.size", config.string("history.directory.pool.size", "2")));
    directory = DirectoryDatabase.open(directoryConfig, false);
    SendChecks checks = new SendChecks(directory.jdbi());
    return (group, user) -> {
      try {
        return checks.memberSince(group, user);
      } catch (JdbiException e) {
        throw new ConversationAccess.Unavailable("the directory cannot say who is in " + group, e);
      }
    };
  }

  /** Without Cassandra the paths still answer, with 503 and a reason, rather than 404. */
  private static Map<String, Handler> unavailable() {
    Handler handler = new Handler.Abstract.NonBlocking() {
      @Override
      public void setServer(org.eclipse.jetty.server.Server server) {
        // mounted on every gateway: not bound to one server
      }

      @Override
      public boolean handle(Request request, Response response, Callback callback) {
        HttpJson.error(response, callback, new HttpError(503, "unavailable",
            "this stack runs without Cassandra (cassandra.enabled=false): no history, no presence"));
        return true;
      }
    };
    Map<String, Handler> out = new LinkedHashMap<>();
    for (String spec : List.of("^/v1/conversations/[^/]+/messages$", "^/v1/users/[^/]+/conversations$",
        "^/v1/users/[^/]+/presence$")) {
      out.put(spec, handler);
    }
    return out;
  }

  @Override
  public Map<String, Handler> routes() {
    return routes;
  }

  @Override
  public void close() {
    if (session != null) {
      session.close();
    }
    if (directory != null) {
      directory.close();
    }
  }
}
