package io.parley.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DirectPairsTest {

  @Test
  void shouldAddressEachMessageToTheSendersPartner() {
    DirectPairs pairs = new DirectPairs(4, "u");
    assertThat(pairs.userId(pairs.sender(0))).isEqualTo("u0");
    assertThat(pairs.address(0)).isEqualTo(Address.user("u1"));
    assertThat(pairs.address(3)).isEqualTo(Address.user("u2"));
    assertThat(pairs.memberships()).isEmpty();
    assertThat(pairs.deliveriesPerMessage()).isEqualTo(1);
  }
}
