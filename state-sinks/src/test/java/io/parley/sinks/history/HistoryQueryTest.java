package io.parley.sinks.history;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HistoryQueryTest {
  @Test
  void shouldOrderPositionsByTimeThenLogPosition() {
    assertThat(new MessagePosition(1, 900)).isLessThan(new MessagePosition(2, 3));
    assertThat(new MessagePosition(2, 3)).isLessThan(new MessagePosition(2, 4));
    assertThat(new MessagePosition(2, -1)).as("copied version 1 rows come first").isLessThan(new MessagePosition(2, 0));
    assertThat(MessagePosition.startOf(5)).isLessThan(new MessagePosition(5, -1_000)).isGreaterThan(MessagePosition.endOf(4));
    assertThat(MessagePosition.endOf(5)).isGreaterThan(new MessagePosition(5, Long.MAX_VALUE - 1));
    assertThat(new MessagePosition(5, 0).exact()).isTrue();
    assertThat(MessagePosition.startOf(5).exact()).isFalse();
    assertThat(MessagePosition.endOf(5).exact()).isFalse();
  }

}
