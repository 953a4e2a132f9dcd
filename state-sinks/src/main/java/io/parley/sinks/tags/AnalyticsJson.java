package io.parley.sinks.tags;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.parley.model.Conversations;
import io.parley.model.Ids;
import io.parley.sinks.InvalidRecordException;
import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;

/**
 * Reads the JSON records the analytics job writes (docs/analytics.md): {@code message-tags} keyed by
 * {@code sender/messageId}, {@code topic-trends} keyed by {@code windowStart|tag}. Anything else is
 * an {@link InvalidRecordException}: the sink dead-letters it.
 */
public final class AnalyticsJson {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** The job's topics: lower-case words. */
  private static final Pattern TAG = Pattern.compile("[a-z][a-z0-9_-]{0,31}");
  private static final int MAX_MODEL = 128;

  private AnalyticsJson() {}

  public static MessageTag tag(String key, byte[] value) throws InvalidRecordException {
    JsonNode v = object(value);
    String sender = text(v, "sender", 64);
    String messageId = text(v, "messageId", 128);
    if (!Ids.isUser(sender) || !Ids.isMessage(messageId)) {
      throw new InvalidRecordException("sender or messageId is not a Parley id");
    }
    if (!(sender + "/" + messageId).equals(key)) {
      throw new InvalidRecordException("record key '" + key + "' is not the value's sender/messageId");
    }
    String conversation = text(v, "conversation", 200);
    if (Conversations.directParticipants(conversation).isEmpty() && Conversations.groupOf(conversation).isEmpty()) {
      throw new InvalidRecordException("not a conversation id: " + conversation);
    }
    double score = v.path("score").asDouble(Double.NaN);
    if (!(score >= 0 && score <= 1)) {
      throw new InvalidRecordException("score must be a number from 0 to 1");
    }
    return new MessageTag(conversation, time(v, "eventTime"), sender, messageId, tag(v), score, text(v, "model", MAX_MODEL));
  }

  public static TrendCount trend(String key, byte[] value) throws InvalidRecordException {
    JsonNode v = object(value);
    long start = time(v, "windowStart");
    long end = time(v, "windowEnd");
    if (end <= start) {
      throw new InvalidRecordException("windowEnd must come after windowStart");
    }
    String tag = tag(v);
    JsonNode count = v.get("count");
    if (count == null || !count.canConvertToExactIntegral() || count.asLong() < 0) {
      throw new InvalidRecordException("count must be a whole number >= 0");
    }
    if (key == null || !key.endsWith("|" + tag)) {
      throw new InvalidRecordException("record key '" + key + "' does not end with the value's |tag");
    }
    return new TrendCount(start, end, tag, count.asLong());
  }

  private static JsonNode object(byte[] value) throws InvalidRecordException {
    if (value == null) {
      throw new InvalidRecordException("a tombstone: the analytics job writes none");
    }
    try {
      JsonNode v = JSON.readTree(value);
      if (v == null || !v.isObject()) {
        throw new InvalidRecordException("value is not a JSON object");
      }
      return v;
    } catch (IOException e) {
      throw new InvalidRecordException("value is not JSON", e);
    }
  }

  private static String tag(JsonNode v) throws InvalidRecordException {
    String tag = text(v, "tag", 32);
    if (!TAG.matcher(tag).matches()) {
      throw new InvalidRecordException("tag must be a lower-case word");
    }
    return tag;
  }

  private static String text(JsonNode v, String field, int max) throws InvalidRecordException {
    JsonNode n = v.get(field);
    if (n == null || !n.isTextual() || n.asText().isEmpty() || n.asText().length() > max) {
      throw new InvalidRecordException(field + " must be a string of 1 to " + max + " characters");
    }
    return n.asText();
  }

  /** Spark writes timestamps as ISO-8601 with an offset ({@code 2026-12-01T23:10:00.000Z}). */
  private static long time(JsonNode v, String field) throws InvalidRecordException {
    String text = text(v, field, 40);
    try {
      return OffsetDateTime.parse(text).toInstant().toEpochMilli();
    } catch (DateTimeParseException e) {
      try {
        return Instant.parse(text).toEpochMilli();
      } catch (DateTimeParseException again) {
        throw new InvalidRecordException(field + " is not an ISO-8601 time: " + text);
      }
    }
  }
}
