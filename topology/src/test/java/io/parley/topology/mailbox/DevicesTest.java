package io.parley.topology.mailbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.schemas.state.DeviceState;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DevicesTest {
  private static DeviceState device(long cursor, Long... ackedAbove) {
    return DeviceState.newBuilder().setDevice("phone").setLastActiveAt(0).setCursor(cursor)
        .setAckedAbove(new ArrayList<>(List.of(ackedAbove))).build();
  }

  @Test
  void shouldCountWhatACumulativeAckNewlyCoversWithoutWalkingTheRange() {
    DeviceState d = device(2, 5L, 7L);
    assertThat(Devices.unacked(d, 1, 10)).as("3..10 less 5 and 7").isEqualTo(6);
    assertThat(Devices.unacked(d, 6, 6)).isEqualTo(1);
    assertThat(Devices.unacked(d, 1, 2)).as("below the cursor").isZero();
    assertThat(Devices.unacked(d, 9, 4)).isZero();
    assertThat(Devices.unacked(device(0), 1, 10_000_000_000L)).isEqualTo(10_000_000_000L);
  }

  @Test
  void shouldReturnOnlyTheNewestCoveredSeqsOfAHugeCumulativeAck() {
    DeviceState fresh = device(0);
    assertThat(Devices.ackUpTo(fresh, 10_000_000_000L, 3)).containsExactly(9_999_999_998L, 9_999_999_999L, 10_000_000_000L);
    assertThat(fresh.getCursor()).isEqualTo(10_000_000_000L);

    DeviceState d = device(2, 5L, 7L);
    assertThat(Devices.ackUpTo(d, 8, 100)).containsExactly(3L, 4L, 6L, 8L);
    assertThat(d.getCursor()).isEqualTo(8);
    assertThat(d.getAckedAbove()).isEmpty();
  }
}
