package io.parley.sinks.history;

import java.util.Optional;

/**
 * What a history read asks for.
 *
 * @param newestFirst true: page backwards from {@code start} (or from now); false: forwards from {@code start}
 * @param start exclusive: where the previous page ended, or a time bound
 * @param end exclusive: the far end of the range, if any
 * @param sender only messages from this user
 * @param limit messages in the page, at most
 */
public record HistoryQuery(
    String conversation,
    boolean newestFirst,
    Optional<MessagePosition> start,
    Optional<MessagePosition> end,
    Optional<String> sender,
    int limit) {

  public HistoryQuery {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be positive");
    }
    if (!newestFirst && start.isEmpty()) {
      throw new IllegalArgumentException("a forward read needs a start");
    }
  }

}
