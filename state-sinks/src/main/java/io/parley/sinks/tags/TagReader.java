package io.parley.sinks.tags;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import io.parley.sinks.history.Days;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/** Reads message tags and trend windows, for the history API. */
public final class TagReader {
  private static final int MAX_TAGS_PER_WINDOW = 64;
  private final CqlSession session;
  private final PreparedStatement tagsBetween;
  private final PreparedStatement windowsUpTo;

  /** One trend window and its topics by count, largest first. */
  public record Window(long start, long end, Map<String, Long> counts) {}

  public TagReader(CqlSession session, String keyspace) {
    this.session = session;
    this.tagsBetween = session.prepare("SELECT sent_at, sender, message_id, tag, score, model FROM " + keyspace
        + ".message_tags WHERE conversation = ? AND day = ? AND sent_at >= ? AND sent_at <= ?");
    this.windowsUpTo = session.prepare("SELECT window_start, window_end, tag, count FROM " + keyspace
        + ".topic_trends WHERE day = ? AND window_start <= ? LIMIT ?");
  }

  /**
   * The tags of a conversation's messages sent from {@code from} to {@code to} (epoch ms, both
   * included), by {@link MessageTag#identity}. One query per UTC day in the range: a history page's
   * range is one or a few days.
   */
  public Map<String, MessageTag> tags(String conversation, long from, long to) {
    Map<String, MessageTag> out = new HashMap<>();
    for (LocalDate day = Days.of(from); !day.isAfter(Days.of(to)); day = day.plusDays(1)) {
      for (Row r : session.execute(tagsBetween.bind(conversation, day, Instant.ofEpochMilli(from), Instant.ofEpochMilli(to)))) {
        MessageTag tag = new MessageTag(conversation, r.getInstant("sent_at").toEpochMilli(), r.getString("sender"),
            r.getString("message_id"), r.getString("tag"), r.getDouble("score"), r.getString("model"));
        out.put(tag.identity(), tag);
      }
    }
    return out;
  }

  /**
   * The newest {@code windows} trend windows that started at or before {@code now}, newest first,
   * from today's and, if that is not enough, yesterday's rows (UTC days of the window start).
   */
  public java.util.List<Window> latest(long now, int windows) {
    Map<Long, Window> found = new LinkedHashMap<>();
    LocalDate today = Days.of(now);
    for (LocalDate day : java.util.List.of(today, today.minusDays(1))) {
      for (Row r : session.execute(windowsUpTo.bind(day, Instant.ofEpochMilli(now), windows * MAX_TAGS_PER_WINDOW))) {
        long start = r.getInstant("window_start").toEpochMilli();
        if (!found.containsKey(start) && found.size() == windows) {
          break;
        }
        found.computeIfAbsent(start, s -> new Window(s, r.getInstant("window_end").toEpochMilli(), new HashMap<>()))
            .counts().put(r.getString("tag"), r.getLong("count"));
      }
      if (found.size() == windows) {
        break;
      }
    }
    return found.values().stream().map(w -> new Window(w.start(), w.end(), byCount(w.counts()))).toList();
  }

  private static Map<String, Long> byCount(Map<String, Long> counts) {
    Map<String, Long> sorted = new LinkedHashMap<>();
    counts.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
        .forEach(e -> sorted.put(e.getKey(), e.getValue()));
    return sorted;
  }
}
