package io.parley.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SendPacerTest {
  private static final long MS = 1_000_000L;

  @Test
  void shouldAllowThePerSecondNumberAndThenSayHowLongToWait() {
    SendPacer pacer = new SendPacer(3);
    long t0 = 5_000 * MS;
    assertThat(pacer.tryAcquire(t0)).isZero();
    assertThat(pacer.tryAcquire(t0 + 100 * MS)).isZero();
    assertThat(pacer.tryAcquire(t0 + 200 * MS)).isZero();
    assertThat(pacer.tryAcquire(t0 + 300 * MS)).isEqualTo(700 * MS);
    assertThat(pacer.tryAcquire(t0 + 999 * MS)).isEqualTo(1 * MS);
    assertThat(pacer.tryAcquire(t0 + 1_000 * MS)).isZero();
    // the window slides: the second send is now the oldest
    assertThat(pacer.tryAcquire(t0 + 1_050 * MS)).isEqualTo(50 * MS);
    assertThat(pacer.tryAcquire(t0 + 1_100 * MS)).isZero();
  }

  @Test
  void shouldNeverLetAnyOneSecondHoldMoreThanItsLimit() {
    SendPacer pacer = new SendPacer(5);
    long[] sent = new long[200];
    int count = 0;
    for (long now = 0; count < sent.length; now += 7 * MS) {
      if (pacer.tryAcquire(now) == 0) {
        sent[count++] = now;
      }
    }
    for (int i = 5; i < sent.length; i++) {
      assertThat(sent[i] - sent[i - 5]).as("sends %d and %d", i - 5, i).isGreaterThanOrEqualTo(1_000 * MS);
    }
  }

  @Test
  void shouldRefuseARateBelowOne() {
    assertThatThrownBy(() -> new SendPacer(0)).isInstanceOf(IllegalArgumentException.class);
  }
}
