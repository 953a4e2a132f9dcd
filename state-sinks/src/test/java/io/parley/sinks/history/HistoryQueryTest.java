package io.parley.sinks.history;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HistoryQueryTest {
  @Test
  void shouldOrderPositionsByTimeThenSenderThenId() {
    assertThat(new MessagePosition(1, "b", "a")).isLessThan(new MessagePosition(2, "a", "a"));
    assertThat(new MessagePosition(2, "a", "z")).isLessThan(new MessagePosition(2, "b", "a"));
    assertThat(MessagePosition.startOf(5)).isLessThan(new MessagePosition(5, "a", "1")).isGreaterThan(MessagePosition.endOf(4));
    assertThat(MessagePosition.endOf(5)).isGreaterThan(new MessagePosition(5, "zzzz", "ffff-0000"));
  }

}
