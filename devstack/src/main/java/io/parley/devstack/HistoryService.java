package io.parley.devstack;

import io.parley.history.HistoryBackend;
import io.parley.http.HttpError;
import io.parley.http.HttpJson;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The history and presence API on the local stack's one origin: {@link HistoryBackend}, the same
 * code the API's own process ({@code HistoryMain}) runs, reading the Cassandra the sinks write and
 * the local directory's database for group membership. Without Cassandra its paths answer 503.
 */
public final class HistoryService implements LocalService {
  private HistoryBackend backend;
  private Map<String, Handler> routes = Map.of();

  @Override
  public String name() {
    return "History API";
  }

  @Override
  public void start(Context context) throws Exception {
    if (context.config().get(CassandraService.CONTACT_POINTS).isEmpty()) {
      routes = unavailable();
      return;
    }
    backend = HistoryBackend.open(context.config(), context.tokens(), context.registry(), true);
    routes = backend.routes();
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
    if (backend != null) {
      backend.close();
    }
  }
}
