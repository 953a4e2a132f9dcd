package io.parley.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HeaderDeadlineTest {
  private static final long TIMEOUT = 1_000;
  private static final long OPENED = 50_000;

  @Test
  void shouldCountTheFirstRequestFromTheOpeningWhetherBytesCameOrNot() {
    HeaderDeadline.Wait wait = new HeaderDeadline.Wait(TIMEOUT, OPENED);
    assertThat(wait.overdue(0, false, OPENED + 999)).isFalse();
    assertThat(wait.overdue(0, true, OPENED + 999)).isFalse();
    assertThat(wait.overdue(0, false, OPENED + 1_000)).as("nothing sent").isTrue();
    assertThat(new HeaderDeadline.Wait(TIMEOUT, OPENED).overdue(0, true, OPENED + 1_000)).as("a trickle").isTrue();
  }

  @Test
  void shouldNotCountIdleTimeBetweenKeepAliveRequests() {
    HeaderDeadline.Wait wait = new HeaderDeadline.Wait(TIMEOUT, OPENED);
    assertThat(wait.overdue(1, false, OPENED + 500)).isFalse();
    assertThat(wait.overdue(1, false, OPENED + 60_000)).isFalse();
  }

  @Test
  void shouldCountANextRequestFromWhenItsHeaderWasFirstSeenUnfinished() {
    HeaderDeadline.Wait wait = new HeaderDeadline.Wait(TIMEOUT, OPENED);
    assertThat(wait.overdue(1, false, OPENED + 10_000)).isFalse();
    assertThat(wait.overdue(1, true, OPENED + 20_000)).isFalse();
    assertThat(wait.overdue(1, true, OPENED + 20_999)).isFalse();
    assertThat(wait.overdue(1, true, OPENED + 21_000)).isTrue();
  }

  @Test
  void shouldStartAgainWhenAHeaderCompletesAndTheNextBegins() {
    HeaderDeadline.Wait wait = new HeaderDeadline.Wait(TIMEOUT, OPENED);
    assertThat(wait.overdue(1, true, OPENED + 10_000)).isFalse();
    // seen unfinished again, but it is the next request's header: its clock starts now
    assertThat(wait.overdue(2, true, OPENED + 10_900)).isFalse();
    assertThat(wait.overdue(2, true, OPENED + 11_800)).isFalse();
    assertThat(wait.overdue(2, true, OPENED + 11_900)).isTrue();
  }

  @Test
  void shouldForgetAHeaderThatCompletedIntoABody() {
    HeaderDeadline.Wait wait = new HeaderDeadline.Wait(TIMEOUT, OPENED);
    assertThat(wait.overdue(1, true, OPENED + 10_000)).isFalse();
    assertThat(wait.overdue(2, false, OPENED + 10_500)).as("reading a slow upload's body").isFalse();
    assertThat(wait.overdue(2, false, OPENED + 40_000)).isFalse();
  }
}
