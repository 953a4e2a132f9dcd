package io.parley.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class AddressConnectionLimitTest {
  private final AddressConnectionLimit limit = new AddressConnectionLimit("test", 2,
      LimitCloses.of(new io.prometheus.metrics.model.registry.PrometheusRegistry(), "test", LimitCloses.ADDRESS_LIMIT));
  private final InetAddress one = address("10.0.0.1");
  private final InetAddress two = address("10.0.0.2");

  private static InetAddress address(String ip) {
    try {
      return InetAddress.getByName(ip);
    } catch (java.net.UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void shouldAdmitUpToTheLimitPerAddressAndOthersRegardless() {
    assertThat(limit.tryAcquire(one)).isTrue();
    assertThat(limit.tryAcquire(one)).isTrue();
    assertThat(limit.tryAcquire(one)).isFalse();
    assertThat(limit.tryAcquire(two)).isTrue();
    assertThat(limit.connections(one)).isEqualTo(2);
    assertThat(limit.connections(two)).isEqualTo(1);
  }

  @Test
  void shouldAdmitAgainOnceAConnectionCloses() {
    limit.tryAcquire(one);
    limit.tryAcquire(one);
    limit.release(one);
    assertThat(limit.tryAcquire(one)).isTrue();
    assertThat(limit.tryAcquire(one)).isFalse();
    limit.release(one);
    limit.release(one);
    assertThat(limit.connections(one)).as("an address with none is forgotten").isZero();
  }

  @Test
  void shouldCountAnIpv6ClientByItsSlash64() {
    assertThat(AddressConnectionLimit.client(address("2001:db8:1:2:aaaa:bbbb:cccc:dddd")))
        .isEqualTo(AddressConnectionLimit.client(address("2001:db8:1:2::1")))
        .isEqualTo(address("2001:db8:1:2::"))
        .isNotEqualTo(AddressConnectionLimit.client(address("2001:db8:1:3::1")));
    assertThat(AddressConnectionLimit.client(one)).isEqualTo(one);
  }
}
