package io.parley.topology.lastseen;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.schemas.AppEvent;
import io.parley.schemas.LastSeen;
import io.parley.topology.mailbox.MailboxHarness;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** App and user events on the events topic count as activity for last seen. */
class ActivityTest {
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

  private void event(String user, String name, String session) {
    box.events.pipeInput(user, new AppEvent(user, "phone", name, box.now(), session, "gateway-gw-1"));
  }

  @Test
  void shouldPublishLastSeenWhenAUserWithNoHistorySignsIn() {
    event("carol", "signed_in", null);

    assertThat(published()).singleElement().satisfies(p -> {
      assertThat(p.getUser()).isEqualTo("carol");
      assertThat(p.getLastSeen()).isEqualTo(box.now());
      assertThat(p.getOnline()).isFalse(); // signed in, not connected yet
    });
  }

  @Test
  void shouldCountAnAppEventAsActivityOnceItsIntervalPasses() {
    box.open("bob", "phone", "gw-1", "s1", 0);
    published();

    box.advance(Duration.ofSeconds(20));
    box.lease("gw-1", 1L);
    event("bob", "app_background", "s1");
    long background = box.now();
    assertThat(published()).isEmpty(); // coalesced like heartbeats: at most one record per interval

    box.advance(Duration.ofSeconds(30));
    box.lease("gw-1", 1L);
    box.advance(Duration.ofSeconds(15));

    assertThat(published()).singleElement().satisfies(p -> {
      assertThat(p.getLastSeen()).isEqualTo(background);
      assertThat(p.getOnline()).isTrue(); // the device table, not the event, says who is connected
    });
  }

  @Test
  void shouldCoalesceManyEventsToOneRecordPerInterval() {
    box.open("bob", "phone", "gw-1", "s1", 0);
    published();

    for (int i = 0; i < 24; i++) { // two minutes of the app going back and forth every 5 s
      box.advance(Duration.ofSeconds(5));
      box.lease("gw-1", 1L);
      event("bob", i % 2 == 0 ? "app_background" : "app_foreground", "s1");
    }

    List<LastSeen> out = published();
    assertThat(out).hasSizeBetween(2, 3);
    assertThat(out).extracting(LastSeen::getLastSeen).isSorted();
  }

  @Test
  void shouldNotMoveLastSeenIntoTheFutureWhenAnEventsClockIsAhead() {
    box.events.pipeInput("dan", new AppEvent("dan", "phone", "app_foreground", box.now() + 3_600_000, "s1", "gateway-gw-1"));

    assertThat(published()).singleElement().satisfies(p -> assertThat(p.getLastSeen()).isEqualTo(box.now()));
  }

  @Test
  void shouldDeadLetterACorruptEventOrOneNotKeyedByAUser() {
    box.rawEvents.pipeInput("bob".getBytes(StandardCharsets.UTF_8), new byte[] {(byte) 0xC3, 1, 2, 3});
    box.events.pipeInput("not a user!", new AppEvent("x", "phone", "app_foreground", box.now(), null, "directory"));
    event("bob", "app_foreground", "s1");

    assertThat(box.deadLetters.readValuesToList()).hasSize(2);
    assertThat(published()).singleElement().satisfies(p -> assertThat(p.getUser()).isEqualTo("bob"));
  }
}
