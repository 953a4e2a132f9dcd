package io.parley.history;

import io.parley.http.HttpError;
import io.parley.model.Ids;
import io.parley.sinks.history.MessagePosition;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The {@code before} and {@code after} values of a history request: a time (epoch milliseconds) or a
 * cursor from a page's {@code next}, which names an exact message so paging never skips or repeats
 * one, even among messages sent in the same millisecond.
 *
 * <p>A cursor is {@code c2.} and the base64url of the message's send time and log position. Cursors
 * of the first format ({@code c1.}: send time, sender, message id) are still accepted: the message
 * is looked up in its millisecond, and if it is gone the whole millisecond is read again (a page may
 * repeat a message then, never skip one).
 */
final class Cursors {
  private static final String PREFIX = "c2.";
  private static final String FIRST_PREFIX = "c1.";
  private static final Pattern MILLIS = Pattern.compile("\\d{1,15}");
  private static final Pattern POSITION = Pattern.compile("-?\\d{1,19}");

  private Cursors() {}

  /** Finds where a message named by its identity stands (for {@code c1.} cursors). */
  interface Locator {
    Optional<MessagePosition> locate(long sentAt, String sender, String messageId);
  }

  /** A bound as the request named it; {@code upper}: it bounds from above ({@code before}). */
  static MessagePosition parse(String name, String value, boolean upper, Locator locator) throws HttpError {
    if (MILLIS.matcher(value).matches()) {
      long millis = Long.parseLong(value);
      return upper ? MessagePosition.startOf(millis) : MessagePosition.endOf(millis);
    }
    if (value.length() <= 400 && (value.startsWith(PREFIX) || value.startsWith(FIRST_PREFIX))) {
      try {
        String[] parts = new String(Base64.getUrlDecoder().decode(value.substring(PREFIX.length())), StandardCharsets.UTF_8)
            .split("\n", -1);
        if (value.startsWith(PREFIX) && parts.length == 2 && MILLIS.matcher(parts[0]).matches()
            && POSITION.matcher(parts[1]).matches()) {
          return new MessagePosition(Long.parseLong(parts[0]), Long.parseLong(parts[1]));
        }
        if (value.startsWith(FIRST_PREFIX) && parts.length == 3 && MILLIS.matcher(parts[0]).matches()
            && Ids.isUser(parts[1]) && Ids.isMessage(parts[2])) {
          long millis = Long.parseLong(parts[0]);
          return locator.locate(millis, parts[1], parts[2])
              .orElse(upper ? MessagePosition.endOf(millis) : MessagePosition.startOf(millis));
        }
      } catch (IllegalArgumentException malformed) {
        // falls through to the error below
      }
    }
    throw HttpError.badRequest(name + " must be a time in epoch milliseconds or a cursor from a page's next");
  }

  static String format(MessagePosition position) {
    String raw = position.sentAt() + "\n" + position.position();
    return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
  }
}
