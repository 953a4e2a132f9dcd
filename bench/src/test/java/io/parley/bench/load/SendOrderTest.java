package io.parley.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SendOrderTest {

  private final SendOrder order = new SendOrder();

  @Test
  void shouldAcceptInterleavedSendersEachInTheirOwnOrder() {
    assertThat(order.accept("m1", "b1-0")).isTrue();
    assertThat(order.accept("m2", "b1-3")).isTrue();
    assertThat(order.accept("m1", "b1-2")).isTrue(); // below m2's last index: another sender, not a fault
    assertThat(order.accept("m2", "b1-5")).isTrue();
  }

  @Test
  void shouldRejectASendersMessageArrivingAgainOrEarly() {
    assertThat(order.accept("m1", "b1-4")).isTrue();
    assertThat(order.accept("m1", "b1-2")).isFalse();
    assertThat(order.accept("m1", "b1-4")).isFalse();
  }

  @Test
  void shouldStartAfreshWithANewStepAndIgnoreLateFramesOfAnOldOne() {
    assertThat(order.accept("m1", "b1-9")).isTrue();
    assertThat(order.accept("m1", "b2-0")).isTrue();
    assertThat(order.accept("m1", "b1-10")).isTrue();
    assertThat(order.accept("m1", "b2-1")).isTrue();
  }
}
