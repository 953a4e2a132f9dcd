package io.parley.sinks.history;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Statement;
import io.parley.sinks.cassandra.PartitionBatches;
import io.parley.sinks.cassandra.StatementRunner;
import io.parley.sinks.cassandra.WriteLimits;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes messages to the history tables: the message rows (an unlogged batch per conversation-day
 * partition), the conversation's active days, and the chat-list lines. Every write is an idempotent
 * insert of whole rows with a write timestamp taken from the message, so writing the same messages
 * again, in any order, leaves exactly the same rows.
 */
public final class HistoryWriter {
  private static final int GROUP_ID = 9;
  private final PreparedStatement insertMessage;
  private final PreparedStatement insertDay;
  private final PreparedStatement insertChatLine;
  private final StatementRunner runner;
  private final MessageRows mapper;
  private final WriteLimits limits;

  public HistoryWriter(CqlSession session, String keyspace, MessageRows mapper, WriteLimits limits) {
    this.insertMessage = insertMessage(session, keyspace);
    this.insertDay = session.prepare("INSERT INTO " + keyspace + ".conversation_days (conversation, day) VALUES (?, ?)");
    this.insertChatLine = session.prepare("INSERT INTO " + keyspace + ".conversations_by_user "
        + "(user, conversation, last_at, last_message_id, last_sender, last_preview) VALUES (?, ?, ?, ?, ?, ?) "
        + "USING TIMESTAMP ?");
    this.runner = new StatementRunner(session, limits.maxInFlight());
    this.mapper = mapper;
    this.limits = limits;
  }

  /** What one call wrote: rows, and the requests (single statements or batches) it took. */
  public record Written(int rows, int requests) {}

  /** Writes all rows or throws the driver's exception (then some may be written; writing again is safe). */
  public Written write(List<MessageRow> rows) {
    List<Statement<?>> statements = new ArrayList<>();
    statements.addAll(PartitionBatches.of(rows, r -> List.of(r.conversation(), r.day()), this::bindMessage,
        MessageRow::estimatedBytes, limits));
    List<DayRef> days = new ArrayList<>(dayRefs(rows));
    statements.addAll(PartitionBatches.of(days, DayRef::conversation, d -> insertDay.bind(d.conversation(), d.day()),
        d -> 32, limits));
    List<ChatListRow> lines = mapper.chatListRows(rows);
    statements.addAll(PartitionBatches.of(lines, ChatListRow::user, this::bindChatLine, l -> 64 + l.lastPreview().length(),
        limits));
    runner.runAll(statements);
    return new Written(rows.size() + days.size() + lines.size(), statements.size());
  }

  private record DayRef(String conversation, LocalDate day) {}

  private static Set<DayRef> dayRefs(List<MessageRow> rows) {
    Set<DayRef> days = new LinkedHashSet<>();
    rows.forEach(r -> days.add(new DayRef(r.conversation(), r.day())));
    return days;
  }

  static PreparedStatement insertMessage(CqlSession session, String keyspace) {
    return session.prepare("INSERT INTO " + keyspace + ".conversation_messages "
        + "(conversation, day, sent_at, position, sender, message_id, sender_device, body, attachments, group_id, stored_at) "
        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) USING TIMESTAMP ?");
  }

  private BoundStatement bindMessage(MessageRow r) {
    return bindMessage(insertMessage, r);
  }

  /** The insert of one message row (for the writer and for the version 2 copy of older rows). */
  static BoundStatement bindMessage(PreparedStatement insertMessage, MessageRow r) {
    BoundStatement bound = insertMessage.bind(r.conversation(), r.day(), Instant.ofEpochMilli(r.sentAt()), r.position(),
        r.sender(), r.messageId(), r.senderDevice(), r.body(), List.<Map<String, String>>copyOf(r.attachments()),
        r.group().orElse(null), Instant.ofEpochMilli(r.storedAt()), r.writeTimestampMicros());
    // An absent group is left unset rather than written as null, which would be a tombstone.
    return r.group().isPresent() ? bound : bound.unset(GROUP_ID);
  }

  private BoundStatement bindChatLine(ChatListRow l) {
    return insertChatLine.bind(l.user(), l.conversation(), Instant.ofEpochMilli(l.lastAt()), l.lastMessageId(),
        l.lastSender(), l.lastPreview(), l.writeTimestampMicros());
  }
}
