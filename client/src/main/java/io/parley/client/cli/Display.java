package io.parley.client.cli;

import io.parley.client.media.Attachment;
import java.util.Locale;

/**
 * How text from other people reaches the terminal: never as terminal input. A sender chooses message
 * bodies, display and file names, group names; a carriage return, an escape sequence or a bidi
 * override in any of them could rewrite the screen (erase the line, fake a line from someone else).
 * Control characters are shown in caret notation ({@code ^[}, {@code ^M}), as {@code cat -v} does,
 * and the lines of a multi-line body are marked as its continuation so none can pass for a line of
 * the chat's own.
 */
final class Display {
  /** Starts every further line of a multi-line body; no line the chat prints itself starts so. */
  static final String CONTINUATION = "    | ";

  private Display() {}

  /** One line of text as it may be shown: no control or bidi formatting character left in it. */
  static String clean(String text) {
    if (text == null) {
      return "";
    }
    StringBuilder out = new StringBuilder(text.length());
    text.codePoints().forEach(c -> {
      if (c == '\t') {
        out.append(' ');
      } else if (c < 0x20 || c == 0x7f) {
        out.append('^').append((char) (c ^ 0x40)); // ESC → ^[, CR → ^M, DEL → ^?
      } else if ((c >= 0x80 && c <= 0x9f) || reorders(c)) {
        out.append(String.format(Locale.ROOT, "<U+%04X>", c)); // C1 controls (0x9b is CSI) and bidi controls
      } else {
        out.appendCodePoint(c);
      }
    });
    return out.toString();
  }

  /**
   * A message body: each of its lines cleaned, the lines after the first marked as continuation; no
   * empty last line (a long paste split after a line break ends its part with one).
   */
  static String body(String text) {
    String[] lines = (text == null ? "" : text).split("\r?\n"); // split drops trailing empty lines
    StringBuilder out = new StringBuilder(clean(lines[0]));
    for (int i = 1; i < lines.length; i++) {
      out.append('\n').append(CONTINUATION).append(clean(lines[i]));
    }
    return out.toString();
  }

  /** Characters that reorder or break the text around them: bidi embeddings, overrides, isolates, separators. */
  private static boolean reorders(int c) {
    return c == 0x061c || c == 0x200e || c == 0x200f || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069)
        || c == 0x2028 || c == 0x2029;
  }

  /** {@code 1 member}, {@code 2 members}. */
  static String count(long n, String one, String many) {
    return String.format(Locale.ROOT, "%,d %s", n, n == 1 ? one : many);
  }

  /**
   * The size of the file the sender chose, which is what the recipient wants to see: an attachment's
   * {@code size} counts the stored bytes, and media encrypted by {@link io.parley.client.media.MediaCipher}
   * ({@code v1.} keys) carries a 16-byte IV and a 32-byte MAC besides the plaintext.
   */
  static long plainSize(Attachment attachment) {
    if (attachment.key() != null && attachment.key().startsWith("v1.")) {
      return Math.max(0, attachment.size() - 48);
    }
    return attachment.size();
  }
}
