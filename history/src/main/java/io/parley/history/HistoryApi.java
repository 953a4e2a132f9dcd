package io.parley.history;

import io.parley.auth.TokenService;
import io.parley.http.BearerTokens;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.jetty.server.Handler;

/**
 * The history and presence endpoints as Jetty handlers by path spec, to mount on a server (the local
 * stack mounts them on every gateway, so clients see one origin). Regex specs, so that they take
 * precedence over a directory's {@code /v1/users/*}.
 */
public final class HistoryApi {
  private HistoryApi() {}

  public static Map<String, Handler> routes(HistorySettings settings, ConversationAccess access, KnownUsers users,
      SharedGroups groups, HistoryStore store, TokenService tokens, PrometheusRegistry registry) {
    BearerTokens bearer = new BearerTokens(tokens);
    HistoryMetrics metrics = HistoryMetrics.register(registry);
    Map<String, Handler> routes = new LinkedHashMap<>();
    routes.put(MessagesHandler.PATH, new MessagesHandler(settings, access, store, bearer, metrics));
    routes.put(ChatListHandler.PATH, new ChatListHandler(settings, store, bearer, metrics));
    routes.put(TrendsHandler.PATH, new TrendsHandler(store, bearer, metrics));
    routes.put(PresenceHandler.PATH, new PresenceHandler(users, groups, settings.presenceVisibility(), store, bearer, metrics));
    return routes;
  }
}
