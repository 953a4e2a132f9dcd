package io.parley.sinks.cassandra;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {
  @Test
  void shouldDoubleUpToTheMaximumAndGiveUpAfterTheLastAttempt() {
    Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofMillis(350), 4);
    assertThat(backoff.failed()).isTrue();
    assertThat(backoff.delay()).isEqualTo(Duration.ofMillis(100));
    assertThat(backoff.failed()).isTrue();
    assertThat(backoff.delay()).isEqualTo(Duration.ofMillis(200));
    assertThat(backoff.failed()).isTrue();
    assertThat(backoff.delay()).isEqualTo(Duration.ofMillis(350));
    assertThat(backoff.failed()).isTrue();
    assertThat(backoff.failed()).isFalse();
  }

  @Test
  void shouldStartOverAfterASuccess() {
    Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(10), 2);
    backoff.failed();
    backoff.failed();
    backoff.succeeded();
    assertThat(backoff.failed()).isTrue();
    assertThat(backoff.delay()).isEqualTo(Duration.ofMillis(100));
  }
}
