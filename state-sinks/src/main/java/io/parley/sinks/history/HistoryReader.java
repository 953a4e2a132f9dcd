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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads history: a conversation's messages page by page, walking its active days from
 * {@code conversation_days} so that empty days cost nothing, and a user's chat list.
 *
 * <p>A message is listed once even if two rows hold it: a row copied from the version 1 table and
 * the same record written again by a sink that replays its last batch after the upgrade. Both rows
 * carry the message's send time, so they share a millisecond; a page skips an identity already
 * listed in that millisecond, and a page that starts from a cursor first looks at what the previous
 * page listed of the cursor's millisecond.
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
  /** Rows of one millisecond looked at to place a cursor; a conversation never holds more in one. */
  private static final int MILLI_SLICE = 1_000;
  private static final String COLUMNS = "conversation, day, sent_at, position, sender, message_id, sender_device, body, "
      + "attachments, group_id, stored_at";

  private final CqlSession session;
  private final PreparedStatement daysNewestFirst;
  private final PreparedStatement daysOldestFirst;
  /** [newestFirst ? 1 : 0][has lower bound][has upper bound] */
  private final PreparedStatement[][][] rows = new PreparedStatement[2][2][2];
  private final PreparedStatement chatList;
  private final PreparedStatement milli;
  private final PreparedStatement chatLine;

  public HistoryReader(CqlSession session, String keyspace) {
    this.session = session;
    String days = "SELECT day FROM " + keyspace + ".conversation_days WHERE conversation = ? AND day >= ? AND day <= ?";
    this.daysNewestFirst = session.prepare(days);
    this.daysOldestFirst = session.prepare(days + " ORDER BY day ASC");
    for (int newest = 0; newest < 2; newest++) {
      for (int lower = 0; lower < 2; lower++) {
        for (int upper = 0; upper < 2; upper++) {
          StringBuilder cql = new StringBuilder("SELECT " + COLUMNS + " FROM " + keyspace
              + ".conversation_messages WHERE conversation = ? AND day = ?");
          if (lower == 1) {
            cql.append(" AND (sent_at, position) > (?, ?)");
          }
          if (upper == 1) {
            cql.append(" AND (sent_at, position) < (?, ?)");
          }
          if (newest == 0) {
            cql.append(" ORDER BY sent_at ASC, position ASC");
          }
          cql.append(" LIMIT ?");
          rows[newest][lower][upper] = session.prepare(cql.toString());
        }
      }
    }
    this.chatList = session.prepare("SELECT conversation, last_at, last_message_id, last_sender, last_preview FROM "
        + keyspace + ".conversations_by_user WHERE user = ?");
    this.chatLine = session.prepare("SELECT last_at FROM " + keyspace + ".conversations_by_user WHERE user = ? AND conversation = ?");
    this.milli = session.prepare("SELECT position, sender, message_id FROM " + keyspace
        + ".conversation_messages WHERE conversation = ? AND day = ? AND sent_at = ? LIMIT " + MILLI_SLICE);
  }

  public HistoryPage read(HistoryQuery query) {
    List<MessageRow> out = new ArrayList<>();
    int scanned = 0;
    Optional<MessagePosition> cursor = query.start();
    Listed listed = new Listed(cursor.filter(MessagePosition::exact).map(c -> listedBefore(query, c)));
    for (LocalDate day : days(query)) {
      while (true) {
        int want = query.sender().isPresent() ? Math.min(FILTER_FETCH, MAX_SCANNED - scanned) : query.limit() - out.size();
        if (want <= 0) {
          return new HistoryPage(out, cursor);
        }
        List<MessageRow> page = fetch(query, day, cursor, want);
        for (MessageRow row : page) {
          scanned++;
          cursor = Optional.of(row.place());
          if (listed.first(row) && query.sender().map(row.sender()::equals).orElse(true)) {
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

  /** The identities listed so far in the current millisecond: a message shows once per page. */
  private static final class Listed {
    private long milli;
    private final Set<String> identities = new HashSet<>();

    Listed(Optional<Map.Entry<Long, Set<String>>> before) {
      before.ifPresent(b -> {
        milli = b.getKey();
        identities.addAll(b.getValue());
      });
    }

    boolean first(MessageRow row) {
      if (row.sentAt() != milli) {
        milli = row.sentAt();
        identities.clear();
      }
      return identities.add(row.identity());
    }
  }

  /** What a page that ended at {@code cursor} listed of the cursor's millisecond (the cursor's own message too). */
  private Map.Entry<Long, Set<String>> listedBefore(HistoryQuery q, MessagePosition cursor) {
    Set<String> identities = new HashSet<>();
    for (Row row : session.execute(milli.bind(q.conversation(), Days.of(cursor.sentAt()), Instant.ofEpochMilli(cursor.sentAt())))) {
      long position = row.getLong("position");
      if (q.newestFirst() ? position >= cursor.position() : position <= cursor.position()) {
        identities.add(MessageRow.identity(row.getString("sender"), row.getString("message_id")));
      }
    }
    return Map.entry(cursor.sentAt(), identities);
  }

  /**
   * Where a message named by its identity stands, for cursors that name it so (the version 1 cursor
   * format); empty if it is not in that millisecond.
   */
  public Optional<MessagePosition> locate(String conversation, long sentAt, String sender, String messageId) {
    for (Row row : session.execute(milli.bind(conversation, Days.of(sentAt), Instant.ofEpochMilli(sentAt)))) {
      if (sender.equals(row.getString("sender")) && messageId.equals(row.getString("message_id"))) {
        return Optional.of(new MessagePosition(sentAt, row.getLong("position")));
      }
    }
    return Optional.empty();
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
    return List.of(Instant.ofEpochMilli(p.sentAt()), p.position());
  }

  private static MessageRow toMessage(Row row) {
    return fromRow(row, row.getLong("position"));
  }

  /** A message row as Cassandra returned it (the version 1 table has no position: the caller gives one). */
  static MessageRow fromRow(Row row, long position) {
    List<Map<String, String>> attachments = row.get("attachments", ATTACHMENTS);
    return new MessageRow(row.getString("conversation"), row.getLocalDate("day"),
        row.getInstant("sent_at").toEpochMilli(), position, row.getString("sender"), row.getString("message_id"),
        row.getString("sender_device"), row.getString("body"), attachments == null ? List.of() : attachments,
        Optional.ofNullable(row.getString("group_id")), row.getInstant("stored_at").toEpochMilli());
  }

  /** True if {@code user}'s chat list has a line for {@code conversation}. */
  public boolean hasChatLine(String user, String conversation) {
    Row row = session.execute(chatLine.bind(user, conversation)).one();
    return row != null && row.getInstant("last_at") != null;
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
