package io.parley.bench.load;

/**
 * Client message ids of the form {@code b<step>-<n>}: the step a message belongs to and its index in
 * that step's ledger. Steps never share ids, so Parley's dedupe never mistakes one for a resend.
 */
final class MessageIds {
  private MessageIds() {}

  static String of(int step, int n) {
    return "b" + step + "-" + n;
  }

  /** The step of an id, or -1 for an id this generator did not make. */
  static int step(String id) {
    if (id == null || id.length() < 4 || id.charAt(0) != 'b') {
      return -1;
    }
    int dash = id.indexOf('-');
    return dash < 2 ? -1 : parse(id, 1, dash);
  }

  /** The index of an id within its step, or -1. */
  static int index(String id) {
    int dash = id == null ? -1 : id.indexOf('-');
    return dash < 0 ? -1 : parse(id, dash + 1, id.length());
  }

  private static int parse(String s, int from, int to) {
    if (from >= to || to - from > 9) {
      return -1;
    }
    int n = 0;
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      n = n * 10 + (c - '0');
    }
    return n;
  }

  /**
   * A body carrying the message's intended send time (this JVM's nanoTime), padded to {@code bytes}
   * so messages are the size of a short chat line.
   */
  static String body(long intendedNanos, int bytes) {
    StringBuilder b = new StringBuilder(Math.max(bytes, 24));
    b.append(intendedNanos).append(':');
    while (b.length() < bytes) {
      b.append('x');
    }
    return b.toString();
  }

  static long intendedNanos(String body) {
    int colon = body == null ? -1 : body.indexOf(':');
    if (colon < 1) {
      return Long.MIN_VALUE;
    }
    try {
      return Long.parseLong(body, 0, colon, 10);
    } catch (NumberFormatException e) {
      return Long.MIN_VALUE;
    }
  }
}
