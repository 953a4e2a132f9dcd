package io.parley.sinks.history;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.type.reflect.GenericType;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads history: a conversation's messages page by page, walking its active days from
 * {@code conversation_days} so that empty days cost nothing, and a user's chat list.
 */
public final class HistoryReader {
  /** Rows looked at per request when a sender filter discards some; the page then says where to go on. */
  static final int MAX_SCANNED = 2_000;
  /** Chat-list lines read per user, at most (a chat list is sorted in memory). */
  static final int MAX_CHAT_LINES = 10_000;
  private static final int FILTER_FETCH = 200;
  private static final LocalDate FIRST_DAY = LocalDate.EPOCH;
  private static final LocalDate LAST_DAY = LocalDate.of(9999, 12, 31);
  private static final GenericType<List<Map<String, String>>> ATTACHMENTS =
      GenericType.listOf(GenericType.mapOf(String.class, String.class));
  private static final String COLUMNS = "conversation, day, sent_at, sender, message_id, sender_device, body, "
      + "attachments, group_id, stored_at";

  private final CqlSession session;
  private final PreparedStatement daysNewestFirst;
  private final PreparedStatement daysOldestFirst;
  /** [newestFirst ? 1 : 0][has lower bound][has upper bound] */
  private final PreparedStatement[][][] rows = new PreparedStatement[2][2][2];
  private final PreparedStatement chatList;

  public HistoryReader(CqlSession session, String keyspace) {
    this.session = session;
    String days = "SELECT day FROM " + keyspace + ".conversation_days WHERE conversation = ? AND day >= ? AND day <= ?";
    this.daysNewestFirst = session.prepare(days);
    this.daysOldestFirst = session.prepare(days + " ORDER BY day ASC");
    for (int newest = 0; newest < 2; newest++) {
      for (int lower = 0; lower < 2; lower++) {
        for (int upper = 0; upper < 2; upper++) {
          StringBuilder cql = new StringBuilder("SELECT " + COLUMNS + " FROM " + keyspace
              + ".messages_by_conversation WHERE conversation = ? AND day = ?");
          if (lower == 1) {
            cql.append(" AND (sent_at, sender, message_id) > (?, ?, ?)");
          }
          if (upper == 1) {
            cql.append(" AND (sent_at, sender, message_id) < (?, ?, ?)");
          }
          if (newest == 0) {
            cql.append(" ORDER BY sent_at ASC, sender ASC, message_id ASC");
          }
          cql.append(" LIMIT ?");
          rows[newest][lower][upper] = session.prepare(cql.toString());
        }
      }
    }
    this.chatList = session.prepare("SELECT conversation, last_at, last_message_id, last_sender, last_preview FROM "
        + keyspace + ".conversations_by_user WHERE user = ?");
  }

  public HistoryPage read(HistoryQuery query) {
    List<MessageRow> out = new ArrayList<>();
    int scanned = 0;
    Optional<MessagePosition> cursor = query.start();
    for (LocalDate day : days(query)) {
      while (true) {
        int want = query.sender().isPresent() ? Math.min(FILTER_FETCH, MAX_SCANNED - scanned) : query.limit() - out.size();
        if (want <= 0) {
          return new HistoryPage(out, cursor);
        }
        List<MessageRow> page = fetch(query, day, cursor, want);
        for (MessageRow row : page) {
          scanned++;
          cursor = Optional.of(row.position());
          if (query.sender().map(row.sender()::equals).orElse(true)) {
            out.add(row);
            if (out.size() == query.limit()) {
              return new HistoryPage(out, cursor);
            }
          }
        }
        if (page.size() < want) {
          break;
        }
        if (scanned >= MAX_SCANNED) {
          return new HistoryPage(out, cursor);
        }
      }
    }
    return new HistoryPage(out, Optional.empty());
  }

  private List<LocalDate> days(HistoryQuery q) {
    Optional<MessagePosition> low = q.newestFirst() ? q.end() : q.start();
    Optional<MessagePosition> high = q.newestFirst() ? q.start() : q.end();
    LocalDate from = low.map(p -> Days.of(p.sentAt())).orElse(FIRST_DAY);
    LocalDate to = high.map(p -> Days.of(p.sentAt())).orElse(LAST_DAY);
    PreparedStatement statement = q.newestFirst() ? daysNewestFirst : daysOldestFirst;
    List<LocalDate> days = new ArrayList<>();
    for (Row row : session.execute(statement.bind(q.conversation(), from, to))) {
      days.add(row.getLocalDate(0));
    }
    return days;
  }

  private List<MessageRow> fetch(HistoryQuery q, LocalDate day, Optional<MessagePosition> cursor, int limit) {
    Optional<MessagePosition> lower = q.newestFirst() ? q.end() : cursor;
    Optional<MessagePosition> upper = q.newestFirst() ? cursor : q.end();
    List<Object> values = new ArrayList<>(List.of(q.conversation(), day));
    lower.ifPresent(p -> values.addAll(bounds(p)));
    upper.ifPresent(p -> values.addAll(bounds(p)));
    values.add(limit);
    BoundStatement statement = rows[q.newestFirst() ? 1 : 0][lower.isPresent() ? 1 : 0][upper.isPresent() ? 1 : 0]
        .bind(values.toArray());
    List<MessageRow> out = new ArrayList<>();
    for (Row row : session.execute(statement)) {
      out.add(toMessage(row));
    }
    return out;
  }

  private static List<Object> bounds(MessagePosition p) {
    return List.of(Instant.ofEpochMilli(p.sentAt()), p.sender(), p.messageId());
  }

  private static MessageRow toMessage(Row row) {
    List<Map<String, String>> attachments = row.get("attachments", ATTACHMENTS);
    return new MessageRow(row.getString("conversation"), row.getLocalDate("day"),
        row.getInstant("sent_at").toEpochMilli(), row.getString("sender"), row.getString("message_id"),
        row.getString("sender_device"), row.getString("body"), attachments == null ? List.of() : attachments,
        Optional.ofNullable(row.getString("group_id")), row.getInstant("stored_at").toEpochMilli());
  }

  /** A user's chat list, latest activity first, only lines older than {@code before} if given. */
  public List<ChatListRow> chatList(String user, Optional<Long> before, int limit) {
    List<ChatListRow> lines = new ArrayList<>();
    for (Row row : session.execute(chatList.bind(user))) {
      Instant lastAt = row.getInstant("last_at");
      if (lastAt == null) {
        continue;
      }
      lines.add(new ChatListRow(user, row.getString("conversation"), lastAt.toEpochMilli(),
          row.getString("last_message_id"), row.getString("last_sender"), row.getString("last_preview"), 0));
      if (lines.size() >= MAX_CHAT_LINES) {
        break;
      }
    }
    return lines.stream()
        .filter(l -> before.map(b -> l.lastAt() < b).orElse(true))
        .sorted(Comparator.comparingLong(ChatListRow::lastAt).reversed().thenComparing(ChatListRow::conversation))
        .limit(limit)
        .toList();
  }
}
