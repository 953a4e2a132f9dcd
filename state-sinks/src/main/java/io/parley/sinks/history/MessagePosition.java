package io.parley.sinks.history;

import java.util.Comparator;

/**
 * A point in a conversation's order: messages are ordered by send time, then by their position in
 * the {@code messages} log (the clustering order of {@code conversation_messages}). Paging continues
 * after a position.
 *
 * @param position the record's offset in its {@code messages} partition; negative for rows copied
 *     from the version 1 table (see {@code V2__conversation_order.cql})
 */
public record MessagePosition(long sentAt, long position) implements Comparable<MessagePosition> {
  /** Below and above every position a row can have. */
  static final long LOWEST = Long.MIN_VALUE;
  static final long HIGHEST = Long.MAX_VALUE;
  private static final Comparator<MessagePosition> ORDER = Comparator.comparingLong(MessagePosition::sentAt)
      .thenComparingLong(MessagePosition::position);

  /** Before every message sent at {@code epochMillis}. */
  public static MessagePosition startOf(long epochMillis) {
    return new MessagePosition(epochMillis, LOWEST);
  }

  /** After every message sent at {@code epochMillis}. */
  public static MessagePosition endOf(long epochMillis) {
    return new MessagePosition(epochMillis, HIGHEST);
  }

  /** True if this names one message's place rather than the edge of a millisecond. */
  public boolean exact() {
    return position != LOWEST && position != HIGHEST;
  }

  @Override
  public int compareTo(MessagePosition other) {
    return ORDER.compare(this, other);
  }
}
