package io.parley.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import org.junit.jupiter.api.Test;

class LedgerTest {

  private final Ledger ledger = new Ledger(1, 3, 1, 1, 0, Long.MAX_VALUE);

  @Test
  void shouldCountAStoredMessageThatNeverArrivedAsLost() {
    ledger.intend(0, 10);
    ledger.stored("b1-0", 20);

    StepResult result = ledger.result(1, 1, 0, 0, null, null);

    assertThat(result.lost()).isEqualTo(1);
    assertThat(result.intact()).isFalse();
    assertThat(ledger.outstanding()).isEqualTo(1);
  }

  @Test
  void shouldCountASecondDeliveryOfTheSameMessageAsADuplicate() {
    ledger.intend(0, 10);
    ledger.stored("b1-0", 20);
    ledger.delivered("b1-0", 30);
    ledger.delivered("b1-0", 40);
    ledger.receipt("b1-0", 50);

    StepResult result = ledger.result(1, 1, 0, 0, null, null);

    assertThat(result.duplicated()).isEqualTo(1);
    assertThat(result.intact()).isFalse();
  }

  @Test
  void shouldNotExpectARefusedMessageAndMeasureFromTheIntendedTime() {
    ledger.intend(0, 1_000_000);
    ledger.intend(1, 2_000_000);
    ledger.error("rate_limited", "b1-0");
    ledger.stored("b1-1", 3_000_000);
    ledger.delivered("b1-1", 7_000_000);
    ledger.receipt("b1-1", 9_000_000);

    StepResult result = ledger.result(2, 1, 0, 0, null, null);

    assertThat(result.intact()).isTrue();
    assertThat(result.refused()).isEqualTo(1);
    assertThat(result.errors()).isEqualTo(Map.of("rate_limited", 1L));
    assertThat(result.deliveryMs(50)).isCloseTo(5.0, within(0.01)); // HdrHistogram keeps 3 significant digits
    assertThat(ledger.outstanding()).isZero();
  }

  @Test
  void shouldIgnoreFramesOfAnotherStep() {
    ledger.intend(0, 10);
    ledger.delivered("b2-0", 20);

    assertThat(ledger.result(1, 1, 0, 0, null, null).delivered()).isZero();
  }

  @Test
  void shouldExpectEveryOtherMemberOfAGroupToReceiveAndReceipt() {
    Ledger group = new Ledger(1, 1, 3, 3, 0, Long.MAX_VALUE);
    group.intend(0, 10);
    group.stored("b1-0", 20);
    group.delivered("b1-0", 30);
    group.delivered("b1-0", 31);
    group.receipt("b1-0", 40);
    group.receipt("b1-0", 41);

    assertThat(group.outstanding()).isEqualTo(1);
    StepResult missingOne = group.result(1, 1, 0, 0, null, null);
    assertThat(missingOne.lost()).isEqualTo(1);
    assertThat(missingOne.delivered()).isEqualTo(2);

    group.delivered("b1-0", 32);
    assertThat(group.result(1, 1, 0, 0, null, null).missingReceipts()).isEqualTo(1);
    group.receipt("b1-0", 42);

    StepResult complete = group.result(1, 1, 0, 0, null, null);
    assertThat(group.outstanding()).isZero();
    assertThat(complete.intact()).isTrue();
    assertThat(complete.delivered()).isEqualTo(3);
    assertThat(complete.deliveriesPerMessage()).isEqualTo(3);
    assertThat(complete.offeredDeliveriesPerSecond()).isEqualTo(3);
  }

  @Test
  void shouldOfferTheDeliveriesOfTheMessagesIntendedInTheWindow() {
    // 0.75 msg/s nominal, but only two messages fall inside a 2 s window: 2 × 4 deliveries / 2 s
    Ledger group = new Ledger(1, 3, 4, 4, 1_000, 3_000);
    group.intend(0, 500);
    group.intend(1, 1_500);
    group.intend(2, 2_900);

    assertThat(group.result(0.75, 2, 0, 0, null, null).offeredDeliveriesPerSecond()).isEqualTo(4);
  }

  @Test
  void shouldCountAGroupMessageDeliveredMoreOftenThanItHasRecipientsAsDuplicated() {
    Ledger group = new Ledger(1, 1, 2, 2, 0, Long.MAX_VALUE);
    group.intend(0, 10);
    group.stored("b1-0", 20);
    for (int i = 0; i < 3; i++) {
      group.delivered("b1-0", 30 + i);
      group.receipt("b1-0", 40 + i);
    }

    assertThat(group.result(1, 1, 0, 0, null, null).duplicated()).isEqualTo(1);
  }
}
