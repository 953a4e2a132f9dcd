package io.parley.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MessageIdsTest {

  @Test
  void shouldReadBackTheStepAndIndexOfAnId() {
    String id = MessageIds.of(12, 34567);
    assertThat(MessageIds.step(id)).isEqualTo(12);
    assertThat(MessageIds.index(id)).isEqualTo(34567);
  }

  @Test
  void shouldRejectIdsItDidNotMake() {
    assertThat(MessageIds.step("6f1c0c1e-6a39-4b8e")).isEqualTo(-1);
    assertThat(MessageIds.step(null)).isEqualTo(-1);
    assertThat(MessageIds.index("b1-x2")).isEqualTo(-1);
  }

  @Test
  void shouldCarryTheIntendedSendTimeInAPaddedBody() {
    String body = MessageIds.body(123_456_789_012L, 100);
    assertThat(body).hasSize(100);
    assertThat(MessageIds.intendedNanos(body)).isEqualTo(123_456_789_012L);
    assertThat(MessageIds.intendedNanos("hello")).isEqualTo(Long.MIN_VALUE);
  }
}
