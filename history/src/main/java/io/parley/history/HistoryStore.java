package io.parley.history;

import com.datastax.oss.driver.api.core.CqlSession;
import io.parley.sinks.history.ChatListRow;
import io.parley.sinks.history.HistoryPage;
import io.parley.sinks.history.HistoryQuery;
import io.parley.sinks.history.HistoryReader;
import io.parley.sinks.history.MessagePosition;
import io.parley.sinks.lastseen.PresenceReader;
import io.parley.sinks.tags.MessageTag;
import io.parley.sinks.tags.TagReader;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What the API reads; Cassandra in production, a fake in handler tests. */
public interface HistoryStore {
  HistoryPage read(HistoryQuery query);

  /** Where a message named by its identity stands in its conversation, if it is there. */
  Optional<MessagePosition> locate(String conversation, long sentAt, String sender, String messageId);

  List<ChatListRow> chatList(String user, Optional<Long> before, int limit);

  /** True if {@code user}'s chat list has a line for {@code conversation} (a message was sent in it). */
  boolean hasChatLine(String user, String conversation);

  Optional<PresenceReader.Presence> presence(String user);

  /** The analytics job's tags of the conversation's messages sent from {@code from} to {@code to}, by message identity. */
  Map<String, MessageTag> tags(String conversation, long from, long to);

  /** The newest {@code windows} trend windows that started by {@code now}, newest first. */
  List<TagReader.Window> trends(long now, int windows);

  /** Reads Parley's tables in {@code keyspace} (the schema must be applied). */
  static HistoryStore cassandra(CqlSession session, String keyspace) {
    HistoryReader history = new HistoryReader(session, keyspace);
    PresenceReader presence = new PresenceReader(session, keyspace);
    TagReader tags = new TagReader(session, keyspace);
    return new HistoryStore() {
      @Override
      public HistoryPage read(HistoryQuery query) {
        return history.read(query);
      }

      @Override
      public Optional<MessagePosition> locate(String conversation, long sentAt, String sender, String messageId) {
        return history.locate(conversation, sentAt, sender, messageId);
      }

      @Override
      public List<ChatListRow> chatList(String user, Optional<Long> before, int limit) {
        return history.chatList(user, before, limit);
      }

      @Override
      public boolean hasChatLine(String user, String conversation) {
        return history.hasChatLine(user, conversation);
      }

      @Override
      public Optional<PresenceReader.Presence> presence(String user) {
        return presence.presence(user);
      }

      @Override
      public Map<String, MessageTag> tags(String conversation, long from, long to) {
        return tags.tags(conversation, from, to);
      }

      @Override
      public List<TagReader.Window> trends(long now, int windows) {
        return tags.latest(now, windows);
      }
    };
  }
}
