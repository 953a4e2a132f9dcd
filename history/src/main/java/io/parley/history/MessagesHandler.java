package io.parley.history;

import io.parley.auth.Principal;
import io.parley.http.BearerTokens;
import io.parley.http.HttpError;
import io.parley.model.Conversations;
import io.parley.model.Ids;
import io.parley.sinks.history.HistoryPage;
import io.parley.sinks.history.HistoryQuery;
import io.parley.sinks.history.MessagePosition;
import io.parley.sinks.history.MessageRow;
import io.parley.sinks.tags.MessageTag;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.eclipse.jetty.util.Fields;

/**
 * {@code GET /v1/conversations/{id}/messages?before=&after=&limit=&from=}: a page of a conversation's
 * history, oldest first within the page. Without {@code after} (or with both) it pages backwards from
 * {@code before} (default: now); with only {@code after} it pages forwards. {@code next} continues in
 * the same direction: pass it as the same parameter. A group member's pages start at their join:
 * what the group said before they were in it is not theirs to read (as in WhatsApp and Signal).
 */
final class MessagesHandler extends ApiHandler {
  static final String PATH = "^/v1/conversations/[^/]+/messages$";
  private final HistorySettings settings;
  private final ConversationAccess access;
  private final HistoryStore store;

  MessagesHandler(HistorySettings settings, ConversationAccess access, HistoryStore store, BearerTokens bearer,
      HistoryMetrics metrics) {
    super("conversation_messages", bearer, metrics);
    this.settings = settings;
    this.access = access;
    this.store = store;
  }

  @Override
  Object get(Principal caller, String path, Fields query) throws HttpError {
    if (settings.mode() == HistoryMode.EPHEMERAL) {
      throw historyDisabled();
    }
    String conversation = segment(path, 3);
    if (Conversations.directParticipants(conversation).isEmpty() && Conversations.groupOf(conversation).isEmpty()) {
      throw HttpError.badRequest("not a conversation id: dm:<a>:<b> (sorted) or group:<G>");
    }
    OptionalLong since = access.readableSince(caller.user(), conversation);
    if (since.isEmpty()) {
      throw Conversations.groupOf(conversation).isPresent()
          ? HttpError.forbidden("only members may read a group's history")
          : HttpError.forbidden("only the participants may read a conversation's history");
    }
    int limit = limit(query, settings);
    String beforeValue = single(query, "before");
    String afterValue = single(query, "after");
    Cursors.Locator locator = (sentAt, sender, id) -> store.locate(conversation, sentAt, sender, id);
    Optional<MessagePosition> before = beforeValue == null ? Optional.empty()
        : Optional.of(Cursors.parse("before", beforeValue, true, locator));
    Optional<MessagePosition> after = afterValue == null ? Optional.empty()
        : Optional.of(Cursors.parse("after", afterValue, false, locator));
    if (before.isPresent() && after.isPresent() && after.get().compareTo(before.get()) >= 0) {
      throw HttpError.badRequest("after must come before before");
    }
    String from = single(query, "from");
    if (from != null && !Ids.isUser(from)) {
      throw HttpError.badRequest("from must be a user id");
    }
    boolean forwards = after.isPresent() && before.isEmpty();
    // a group member reads from their join on: the floor is one more lower bound, whichever is later wins
    Optional<MessagePosition> lower = since.getAsLong() == 0 ? after : Optional.of(later(after, MessagePosition.startOf(since.getAsLong())));
    HistoryPage page;
    if (before.isPresent() && lower.isPresent() && lower.get().compareTo(before.get()) >= 0) {
      page = new HistoryPage(List.of(), Optional.empty()); // the whole range is from before the caller joined
    } else {
      page = store.read(forwards
          ? new HistoryQuery(conversation, false, lower, Optional.empty(), Optional.ofNullable(from), limit)
          : new HistoryQuery(conversation, true, before, lower, Optional.ofNullable(from), limit));
    }

    Map<String, MessageTag> tags = tags(conversation, page.messages());
    List<Map<String, Object>> messages = new ArrayList<>();
    page.messages().forEach(m -> messages.add(json(m, tags.get(MessageTag.identity(m.sender(), m.messageId())))));
    if (!forwards) {
      Collections.reverse(messages);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("conversation", conversation);
    body.put("messages", messages);
    body.put("next", page.next().map(Cursors::format).orElse(null));
    return body;
  }

  private static MessagePosition later(Optional<MessagePosition> bound, MessagePosition floor) {
    return bound.filter(b -> b.compareTo(floor) > 0).orElse(floor);
  }

  /** The analytics job's tags of the page's messages: one range read over the page's times. */
  private Map<String, MessageTag> tags(String conversation, List<MessageRow> messages) {
    if (messages.isEmpty()) {
      return Map.of();
    }
    long from = messages.stream().mapToLong(MessageRow::sentAt).min().getAsLong();
    long to = messages.stream().mapToLong(MessageRow::sentAt).max().getAsLong();
    return store.tags(conversation, from, to);
  }

  private static Map<String, Object> json(MessageRow m, MessageTag tag) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("id", m.messageId());
    out.put("from", m.sender());
    out.put("device", m.senderDevice());
    out.put("conversation", m.conversation());
    out.put("body", m.body());
    out.put("at", m.sentAt());
    List<Map<String, Object>> attachments = new ArrayList<>();
    for (Map<String, String> a : m.attachments()) {
      Map<String, Object> attachment = new LinkedHashMap<>(a);
      try {
        attachment.put("size", Long.parseLong(a.getOrDefault("size", "0")));
      } catch (NumberFormatException e) {
        attachment.remove("size");
      }
      attachments.add(attachment);
    }
    out.put("attachments", attachments);
    m.group().ifPresent(g -> out.put("group", g));
    if (tag != null) { // absent until the analytics job has tagged it, or when no job runs
      out.put("tag", tag.tag());
      out.put("tagScore", tag.score());
    }
    out.put("cursor", Cursors.format(m.place()));
    return out;
  }
}
