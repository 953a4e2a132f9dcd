package io.parley.client.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * The arguments of a slash-command, split as a shell splits them: by spaces, with {@code "…"} or
 * {@code '…'} around a word that has spaces in it, or {@code \ } before a space. Terminals paste a
 * dragged file's path in one of these forms.
 */
final class Words {
  private Words() {}

  /** A line with an opening quote and no closing one. */
  static final class Unclosed extends IllegalArgumentException {
    Unclosed(char quote) {
      super("a " + quote + " is not closed");
    }
  }

  /** Every word of {@code text}. */
  static List<String> split(String text) {
    List<String> words = new ArrayList<>();
    int[] at = {0};
    String word;
    while ((word = next(text, at)) != null) {
      words.add(word);
    }
    return words;
  }

  /** The first word, and what follows it as typed (trimmed): for a path followed by a caption. */
  static String[] firstAndRest(String text) {
    int[] at = {0};
    String first = next(text, at);
    return new String[] {first, first == null ? "" : text.substring(at[0]).strip()};
  }

  /** The word starting at or after {@code at[0]}, or null when only spaces are left; moves {@code at[0]} past it. */
  private static String next(String text, int[] at) {
    int i = at[0];
    while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
      i++;
    }
    if (i == text.length()) {
      at[0] = i;
      return null;
    }
    StringBuilder word = new StringBuilder();
    char quote = 0;
    for (; i < text.length(); i++) {
      char c = text.charAt(i);
      if (quote != 0) {
        if (c == quote) {
          quote = 0;
        } else if (c == '\\' && quote == '"' && i + 1 < text.length() && (text.charAt(i + 1) == '"' || text.charAt(i + 1) == '\\')) {
          word.append(text.charAt(++i));
        } else {
          word.append(c);
        }
      } else if (Character.isWhitespace(c)) {
        break;
      } else if (c == '"' || c == '\'') {
        quote = c;
      } else if (c == '\\' && i + 1 < text.length()) {
        word.append(text.charAt(++i));
      } else {
        word.append(c);
      }
    }
    if (quote != 0) {
      throw new Unclosed(quote);
    }
    at[0] = i;
    return word.toString();
  }
}
