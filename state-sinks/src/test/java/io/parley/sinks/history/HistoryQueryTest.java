package io.parley.sinks.history;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class HistoryQueryTest {
  @Test
  void shouldOrderPositionsByTimeThenSenderThenId() {
    assertThat(new MessagePosition(1, "b", "a")).isLessThan(new MessagePosition(2, "a", "a"));
    assertThat(new MessagePosition(2, "a", "z")).isLessThan(new MessagePosition(2, "b", "a"));
    assertThat(MessagePosition.startOf(5)).isLessThan(new MessagePosition(5, "a", "1")).isGreaterThan(MessagePosition.endOf(4));
    assertThat(MessagePosition.endOf(5)).isGreaterThan(new MessagePosition(5, "zzzz", "ffff-0000"));
  }

  @Test
  void shouldKeepOnlyPositionsStrictlyInsideTheRange() {
    HistoryQuery backwards = new HistoryQuery("dm:a1:b1", true, Optional.of(MessagePosition.startOf(100)),
        Optional.of(MessagePosition.endOf(10)), Optional.empty(), 50);
    assertThat(backwards.inRange(new MessagePosition(50, "a1", "x"))).isTrue();
    assertThat(backwards.inRange(new MessagePosition(100, "a1", "x"))).isFalse();
    assertThat(backwards.inRange(new MessagePosition(10, "a1", "x"))).isFalse();
  }
}
