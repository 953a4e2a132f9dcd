package io.parley.history;

import io.parley.auth.Principal;
import io.parley.http.BearerTokens;
import io.parley.http.HttpError;
import io.parley.model.Ids;
import io.parley.sinks.lastseen.PresenceReader;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jetty.util.Fields;

/**
 * {@code GET /v1/users/{id}/presence} → {@code {user, online, lastSeen}}: whether any device of the
 * user is connected, and when the user last had the app open (epoch ms; null if never seen). A user
 * id nobody has is 404, not a user never seen.
 */
final class PresenceHandler extends ApiHandler {
  static final String PATH = "^/v1/users/[^/]+/presence$";
  private final KnownUsers users;
  private final HistoryStore store;

  PresenceHandler(KnownUsers users, HistoryStore store, BearerTokens bearer, HistoryMetrics metrics) {
    super("presence", bearer, metrics);
    this.users = users;
    this.store = store;
  }

  @Override
  Object get(Principal caller, String path, Fields query) throws HttpError {
    String user = segment(path, 3);
    if (user.equals("me")) {
      user = caller.user();
    }
    if (!Ids.isUser(user)) {
      throw HttpError.badRequest("not a user id");
    }
    // the caller's token vouches for the caller: asking after oneself needs no directory
    if (!user.equals(caller.user()) && !users.contains(user)) {
      throw HttpError.notFound("no such user: " + user);
    }
    Optional<PresenceReader.Presence> presence = store.presence(user);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("user", user);
    body.put("online", presence.map(PresenceReader.Presence::online).orElse(false));
    body.put("lastSeen", presence.map(PresenceReader.Presence::lastSeen).orElse(null));
    return body;
  }
}
