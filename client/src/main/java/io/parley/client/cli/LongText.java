package io.parley.client.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What the chat does with a long paste: up to {@link #MAX_CHARS} characters go out as several
 * messages of at most {@link #PART_CHARS} (as Telegram splits at 4,096), cut at a line break or a
 * space where there is one; anything longer is refused, with a hint to send it as a file. Each part
 * stays far below the protocol's limits (16,384 characters, a 64 KiB frame, even with every
 * character escaped), so no part can be refused as too large.
 */
final class LongText {
  static final int PART_CHARS = 4_096;
  static final int MAX_CHARS = 16 * PART_CHARS;

  private LongText() {}

  /** A text too long to send as messages. */
  static final class TooLong extends Exception {
    TooLong(int length) {
      super(String.format(Locale.ROOT, "%,d characters is too long to send as messages (at most %,d); "
          + "save it in a file and send that: /file <path>", length, MAX_CHARS));
    }
  }

  /** The messages to send for {@code text}; joined together they are {@code text} exactly. */
  static List<String> parts(String text) throws TooLong {
    if (text.length() > MAX_CHARS) {
      throw new TooLong(text.length());
    }
    List<String> parts = new ArrayList<>();
    int from = 0;
    while (text.length() - from > PART_CHARS) {
      int cut = cut(text, from, from + PART_CHARS);
      parts.add(text.substring(from, cut));
      from = cut;
    }
    parts.add(text.substring(from));
    return parts;
  }

  /** Just after the last line break, else the last space, in the second half of the window; else its end. */
  private static int cut(String text, int from, int end) {
    int half = from + PART_CHARS / 2;
    int newline = text.lastIndexOf('\n', end - 1);
    if (newline >= half) {
      return newline + 1;
    }
    for (int i = end - 1; i >= half; i--) {
      if (Character.isWhitespace(text.charAt(i))) {
        return i + 1;
      }
    }
    return Character.isHighSurrogate(text.charAt(end - 1)) ? end - 1 : end; // never half a character
  }
}
