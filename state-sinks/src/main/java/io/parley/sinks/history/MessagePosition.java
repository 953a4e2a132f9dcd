package io.parley.sinks.history;

import java.util.Comparator;

/**
 * A point in a conversation's order: messages are ordered by send time, then sender, then message id
 * (the clustering order of {@code messages_by_conversation}). Paging continues after a position.
 */
public record MessagePosition(long sentAt, String sender, String messageId) implements Comparable<MessagePosition> {
  /** Ids are ASCII (see {@code Ids}), so these sort before and after every real one. */
  static final String LOWEST = "";
  static final String HIGHEST = "\uffff";
  private static final Comparator<MessagePosition> ORDER = Comparator.comparingLong(MessagePosition::sentAt)
      .thenComparing(MessagePosition::sender).thenComparing(MessagePosition::messageId);

  /** Before every message sent at {@code epochMillis}. */
  public static MessagePosition startOf(long epochMillis) {
    return new MessagePosition(epochMillis, LOWEST, LOWEST);
  }

  /** After every message sent at {@code epochMillis}. */
  public static MessagePosition endOf(long epochMillis) {
    return new MessagePosition(epochMillis, HIGHEST, HIGHEST);
  }

  @Override
  public int compareTo(MessagePosition other) {
    return ORDER.compare(this, other);
  }
}
