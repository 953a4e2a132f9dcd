package io.parley.devstack;

import com.datastax.oss.driver.api.core.CqlSession;
import io.parley.history.ConversationAccess;
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

/**
 * The history and presence API on the local stack's one origin, reading the Cassandra the sinks
 * write. Group history is refused (403) until the directory can say who is in a group.
 */
public final class HistoryService implements LocalService {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(HistoryService.class);
  private CqlSession session;
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
    CassandraSettings cassandra = CassandraSettings.from(context.config());
    long started = System.nanoTime();
    session = CqlSessions.open(cassandra, getClass().getClassLoader());
    long opened = System.nanoTime();
    CqlSchema.migrate(session, cassandra.keyspace(), cassandra.replication());
    log.info("Cassandra session in {} ms, schema checked in {} ms", (opened - started) / 1_000_000,
        (System.nanoTime() - opened) / 1_000_000);
    routes = HistoryApi.routes(settings, ConversationAccess.participants(ConversationAccess.GroupMembership.UNKNOWN),
        HistoryStore.cassandra(session, cassandra.keyspace()), context.tokens(), context.registry());
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
  }
}
