package io.parley.history;

import io.parley.auth.Principal;
import io.parley.http.BearerTokens;
import io.parley.http.HttpError;
import io.parley.sinks.history.ChatListRow;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jetty.util.Fields;

/**
 * {@code GET /v1/users/me/conversations?limit=&before=}: the caller's chat list, latest activity first,
 * each with its latest message. {@code next} is the time to pass as {@code before} for the next page.
 */
final class ChatListHandler extends ApiHandler {
  static final String PATH = "^/v1/users/[^/]+/conversations$";
  private final HistorySettings settings;
  private final HistoryStore store;

  ChatListHandler(HistorySettings settings, HistoryStore store, BearerTokens bearer, HistoryMetrics metrics) {
    super("chat_list", bearer, metrics);
    this.settings = settings;
    this.store = store;
  }

  @Override
  Object get(Principal caller, String path, Fields query) throws HttpError {
    if (settings.mode() == HistoryMode.EPHEMERAL) {
      throw historyDisabled();
    }
    String user = segment(path, 3);
    if (!user.equals("me") && !user.equals(caller.user())) {
      throw HttpError.forbidden("a chat list is only its owner's");
    }
    int limit = limit(query, settings);
    String beforeValue = single(query, "before");
    Optional<Long> before = Optional.empty();
    if (beforeValue != null) {
      try {
        before = Optional.of(Long.parseLong(beforeValue));
      } catch (NumberFormatException e) {
        throw HttpError.badRequest("before must be a time in epoch milliseconds");
      }
    }
    List<ChatListRow> lines = store.chatList(caller.user(), before, limit);
    List<Map<String, Object>> conversations = new ArrayList<>();
    for (ChatListRow line : lines) {
      Map<String, Object> last = new LinkedHashMap<>();
      last.put("id", line.lastMessageId());
      last.put("from", line.lastSender());
      last.put("preview", line.lastPreview());
      last.put("at", line.lastAt());
      conversations.add(Map.of("conversation", line.conversation(), "lastMessage", last));
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("conversations", conversations);
    body.put("next", lines.size() == limit ? lines.get(lines.size() - 1).lastAt() : null);
    return body;
  }
}
