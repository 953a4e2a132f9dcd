package io.parley.sinks.history;

import java.util.List;
import java.util.Optional;

/**
 * A page of history in the order read (newest first when paging backwards).
 *
 * @param next where to continue in the same direction, or empty when the range is exhausted
 */
public record HistoryPage(List<MessageRow> messages, Optional<MessagePosition> next) {
  public HistoryPage {
    messages = List.copyOf(messages);
  }
}
