package io.parley.sinks.history;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data step of CQL schema version 2: copies every row of the version 1 table
 * {@code messages_by_conversation} into {@code conversation_messages}. The version 1 rows carry no
 * log position, so the rows of each millisecond get the positions {@code -n .. -1} in version 1's
 * order (sender, then message id): below every position a sink writes from the log, and the same on
 * every run, so copying twice (two processes starting at once, or a run cut short) writes the same
 * rows again. A full-table scan: run once per keyspace, at the upgrade.
 */
public final class ConversationOrderCopy {
  private static final Logger log = LoggerFactory.getLogger(ConversationOrderCopy.class);
  private static final int PAGE = 500;
  private static final Comparator<MessageRow> VERSION_ONE_ORDER =
      Comparator.comparing(MessageRow::sender).thenComparing(MessageRow::messageId);

  private ConversationOrderCopy() {}

  /** Copies every version 1 row; returns how many. */
  public static long run(CqlSession session, String keyspace) {
    PreparedStatement insert = HistoryWriter.insertMessage(session, keyspace);
    SimpleStatement scan = SimpleStatement.newInstance("SELECT conversation, day, sent_at, sender, message_id, "
        + "sender_device, body, attachments, group_id, stored_at FROM " + keyspace + ".messages_by_conversation")
        .setPageSize(PAGE).setTimeout(Duration.ofSeconds(30));
    long copied = 0;
    List<MessageRow> milli = new ArrayList<>();
    for (Row row : session.execute(scan)) {
      MessageRow r = HistoryReader.fromRow(row, 0);
      if (!milli.isEmpty() && !sameMilli(milli.get(0), r)) {
        copied += copy(session, insert, milli);
      }
      milli.add(r);
    }
    copied += copy(session, insert, milli);
    if (copied > 0) {
      log.info("copied {} history rows of keyspace {} into conversation_messages", copied, keyspace);
    }
    return copied;
  }

  private static boolean sameMilli(MessageRow a, MessageRow b) {
    return a.sentAt() == b.sentAt() && a.day().equals(b.day()) && a.conversation().equals(b.conversation());
  }

  private static int copy(CqlSession session, PreparedStatement insert, List<MessageRow> milli) {
    milli.sort(VERSION_ONE_ORDER);
    int n = milli.size();
    for (int i = 0; i < n; i++) {
      MessageRow r = milli.get(i);
      MessageRow placed = new MessageRow(r.conversation(), r.day(), r.sentAt(), i - n, r.sender(), r.messageId(),
          r.senderDevice(), r.body(), r.attachments(), r.group(), r.storedAt());
      session.execute(HistoryWriter.bindMessage(insert, placed));
    }
    milli.clear();
    return n;
  }
}
