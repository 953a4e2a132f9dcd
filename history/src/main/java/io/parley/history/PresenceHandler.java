package io.parley.history;

import io.parley.auth.Principal;
import io.parley.http.BearerTokens;
import io.parley.http.HttpError;
import io.parley.model.Conversations;
import io.parley.model.Ids;
import io.parley.sinks.lastseen.PresenceReader;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jetty.util.Fields;

/**
 * {@code GET /v1/users/{id}/presence} → {@code {user, online, lastSeen}}: whether any device of the
 * user is connected, and when the user last had the app open (epoch ms; null if never seen). A user
 * id nobody has is 404, not a user never seen. Whom it is told to is {@link PresenceVisibility}; to
 * anyone else the answer is {@code online: false, lastSeen: null, hidden: true}, as WhatsApp shows
 * nothing rather than an error.
 */
final class PresenceHandler extends ApiHandler {
  static final String PATH = "^/v1/users/[^/]+/presence$";
  private final KnownUsers users;
  private final SharedGroups groups;
  private final PresenceVisibility visibility;
  private final HistoryStore store;

  PresenceHandler(KnownUsers users, SharedGroups groups, PresenceVisibility visibility, HistoryStore store,
      BearerTokens bearer, HistoryMetrics metrics) {
    super("presence", bearer, metrics);
    this.users = users;
    this.groups = groups;
    this.visibility = visibility;
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
    boolean visible = visibleTo(caller.user(), user);
    Optional<PresenceReader.Presence> presence = visible ? store.presence(user) : Optional.empty();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("user", user);
    body.put("online", presence.map(PresenceReader.Presence::online).orElse(false));
    body.put("lastSeen", presence.map(PresenceReader.Presence::lastSeen).orElse(null));
    body.put("hidden", !visible);
    return body;
  }

  private boolean visibleTo(String caller, String user) {
    if (caller.equals(user)) {
      return true;
    }
    return switch (visibility) {
      case EVERYONE -> true;
      case NOBODY -> false;
      case CONVERSATIONS -> store.hasChatLine(caller, Conversations.direct(caller, user)) || groups.share(caller, user);
    };
  }
}
