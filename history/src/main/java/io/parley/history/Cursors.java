package io.parley.history;

import io.parley.http.HttpError;
import io.parley.model.Ids;
import io.parley.sinks.history.MessagePosition;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * The {@code before} and {@code after} values of a history request: a time (epoch milliseconds) or a
 * cursor from a page's {@code next}, which names an exact message so paging never skips or repeats
 * one, even among messages sent in the same millisecond.
 */
final class Cursors {
  private static final String PREFIX = "c1.";
  private static final Pattern MILLIS = Pattern.compile("\\d{1,15}");

  private Cursors() {}

  /** A bound as the request named it; {@code upper}: it bounds from above ({@code before}). */
  static MessagePosition parse(String name, String value, boolean upper) throws HttpError {
    if (MILLIS.matcher(value).matches()) {
      long millis = Long.parseLong(value);
      return upper ? MessagePosition.startOf(millis) : MessagePosition.endOf(millis);
    }
    if (value.startsWith(PREFIX) && value.length() <= 400) {
      try {
        String[] parts = new String(Base64.getUrlDecoder().decode(value.substring(PREFIX.length())), StandardCharsets.UTF_8)
            .split("\n", -1);
        if (parts.length == 3 && MILLIS.matcher(parts[0]).matches() && Ids.isUser(parts[1]) && Ids.isMessage(parts[2])) {
          return new MessagePosition(Long.parseLong(parts[0]), parts[1], parts[2]);
        }
      } catch (IllegalArgumentException malformed) {
        // falls through to the error below
      }
    }
    throw HttpError.badRequest(name + " must be a time in epoch milliseconds or a cursor from a page's next");
  }

  static String format(MessagePosition position) {
    String raw = position.sentAt() + "\n" + position.sender() + "\n" + position.messageId();
    return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
  }
}
