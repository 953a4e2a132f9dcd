package io.parley.topology.lastseen;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.schemas.GatewayLease;
import io.parley.schemas.LastSeen;
import io.parley.topology.mailbox.MailboxHarness;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LastSeenTest {
  private MailboxHarness box;

  @BeforeEach
  void start() {
    box = new MailboxHarness(MailboxHarness.defaults().withLastSeenInterval(Duration.ofSeconds(60)));
  }

  @AfterEach
  void stop() {
    box.close();
  }

  private List<LastSeen> published() {
    return box.lastSeen.readValuesToList();
  }

  @Test
  void shouldPublishOnlineAtOnceWhenTheFirstDeviceConnects() {
    box.open("bob", "phone", "gw-1", "s1", 0);
    box.open("bob", "laptop", "gw-1", "s2", 0);

    assertThat(published()).singleElement().satisfies(p -> {
      assertThat(p.getUser()).isEqualTo("bob");
      assertThat(p.getOnline()).isTrue();
    });
  }

  @Test
  void shouldPublishOfflineAtOnceWhenTheLastDeviceLeaves() {
    box.open("bob", "phone", "gw-1", "s1", 0);
    box.open("bob", "laptop", "gw-1", "s2", 0);
    published();

    box.close("bob", "phone", "s1");
    assertThat(published()).isEmpty();

    box.advance(Duration.ofSeconds(3));
    box.close("bob", "laptop", "s2");
    assertThat(published()).singleElement().satisfies(p -> {
      assertThat(p.getOnline()).isFalse();
      assertThat(p.getLastSeen()).isEqualTo(box.now());
    });
  }

  @Test
  void shouldCoalesceHeartbeatsToOneRecordPerInterval() {
    box.open("bob", "phone", "gw-1", "s1", 0);
    published();

    for (int i = 0; i < 36; i++) { // three minutes of heartbeats every 5 s
      box.advance(Duration.ofSeconds(5));
      box.lease("gw-1", 1L);
      box.heartbeat("bob", "phone");
    }

    List<LastSeen> out = published();
    assertThat(out).hasSizeBetween(3, 4);
    assertThat(out).allSatisfy(p -> assertThat(p.getOnline()).isTrue());
    assertThat(out).extracting(LastSeen::getLastSeen).isSorted();
  }

  @Test
  void shouldPublishTheNewestLastSeenOnceItsIntervalPassesEvenIfHeartbeatsStop() {
    box.open("bob", "phone", "gw-1", "s1", 0);
    published();
    box.advance(Duration.ofSeconds(10));
    box.heartbeat("bob", "phone");
    long lastHeartbeat = box.now();
    assertThat(published()).isEmpty();

    box.advance(Duration.ofSeconds(40));
    box.lease("gw-1", 1L);
    box.advance(Duration.ofSeconds(15));

    assertThat(published()).singleElement().satisfies(p -> assertThat(p.getLastSeen()).isEqualTo(lastHeartbeat));
  }

  @Test
  void shouldTakeTheLastLeaseRenewalAsLastSeenWhenTheGatewayDies() {
    box.open("bob", "phone", "gw-1", "s1", 0);
    published();
    long renewed = box.now();

    box.advance(Duration.ofSeconds(50));

    assertThat(published()).singleElement().satisfies(p -> {
      assertThat(p.getOnline()).isFalse();
      assertThat(p.getLastSeen()).isEqualTo(renewed);
    });
  }

  @Test
  void shouldPublishAFractionOfTheHeartbeatsOfManyUsers() {
    int users = 50;
    for (int u = 0; u < users; u++) {
      box.open("user" + u, "phone", "gw-1", "s" + u, 0);
    }
    published();
    int heartbeats = 0;
    for (int round = 0; round < 24; round++) { // two minutes
      box.advance(Duration.ofSeconds(5));
      box.gateways.pipeInput("gw-1", new GatewayLease("gw-1", 1L, box.now(), false));
      for (int u = 0; u < users; u++) {
        box.heartbeat("user" + u, "phone");
        heartbeats++;
      }
    }

    int records = published().size();
    // At most one per user per minute, plus the first heartbeat of each: about a twelfth.
    assertThat(records).isLessThanOrEqualTo(users * 3);
    assertThat((double) records / heartbeats).isLessThan(0.15);
  }

  @Test
  void shouldDeadLetterACorruptHeartbeat() {
    box.rawHeartbeats.pipeInput("bob".getBytes(StandardCharsets.UTF_8), new byte[] {9, 9, 9});
    box.open("bob", "phone", "gw-1", "s1", 0);

    assertThat(box.deadLetters.readValuesToList()).hasSize(1);
    assertThat(published()).hasSize(1);
  }
}
