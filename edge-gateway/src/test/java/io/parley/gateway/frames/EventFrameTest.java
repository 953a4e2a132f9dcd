package io.parley.gateway.frames;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The {@code event} frame: a client names what its app did. */
class EventFrameTest {
  private final InboundFrames frames = new InboundFrames(100, 2);

  @Test
  void shouldParseTheTwoClientEvents() throws Exception {
    assertThat(frames.parse("{\"type\":\"event\",\"name\":\"app_foreground\"}")).isEqualTo(new Inbound.Event("app_foreground"));
    assertThat(frames.parse("{\"type\":\"event\",\"name\":\"app_background\",\"extra\":[1]}")).isEqualTo(new Inbound.Event("app_background"));
  }

  @Test
  void shouldRefuseAnUnknownNameAndSayWhichNamesThereAre() {
    assertThatThrownBy(() -> frames.parse("{\"type\":\"event\",\"name\":\"app_exploded\"}"))
        .isInstanceOfSatisfying(FrameException.class, e -> {
          assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST);
          assertThat(e.getMessage()).contains("unknown event \"app_exploded\"").contains("app_foreground").contains("app_background");
        });
  }

  @Test
  void shouldNotEchoALongNameBack() {
    assertThatThrownBy(() -> frames.parse("{\"type\":\"event\",\"name\":\"" + "x".repeat(5000) + "\"}"))
        .isInstanceOfSatisfying(FrameException.class, e -> assertThat(e.getMessage()).hasSizeLessThan(200));
  }

  /** The gateway records only the two names clients may send; connection and sign-in events are the servers' own. */
  @ParameterizedTest
  @ValueSource(strings = {
      "{\"type\":\"event\"}",
      "{\"type\":\"event\",\"name\":null}",
      "{\"type\":\"event\",\"name\":7}",
      "{\"type\":\"event\",\"name\":[\"app_foreground\"]}",
      "{\"type\":\"event\",\"name\":\"APP_FOREGROUND\"}",
      "{\"type\":\"event\",\"name\":\"connection_opened\"}",
      "{\"type\":\"event\",\"name\":\"signed_in\"}",
      "{\"type\":\"event\",\"name\":\"app_foreground\",\"name\":\"app_background\"}"})
  void shouldRefuseMalformedEvents(String frame) {
    assertThatThrownBy(() -> frames.parse(frame))
        .isInstanceOfSatisfying(FrameException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST));
  }
}
