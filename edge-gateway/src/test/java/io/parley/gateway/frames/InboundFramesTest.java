package io.parley.gateway.frames;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class InboundFramesTest {
  private static final String ASSET = "a".repeat(64);
  private final InboundFrames frames = new InboundFrames(100, 2);

  @Test
  void shouldParseASendToAUser() throws Exception {
    Inbound frame = frames.parse("{\"type\":\"send\",\"id\":\"3f2b8c1e-9d4a-4e57-8a43-2f1c0e6b7d90\",\"to\":{\"user\":\"bob\"},\"body\":\"hi\",\"extra\":1}");
    assertThat(frame).isEqualTo(new Inbound.Send("3f2b8c1e-9d4a-4e57-8a43-2f1c0e6b7d90", "bob", null, "hi", java.util.List.of()));
  }

  @Test
  void shouldParseAttachmentsAndAllowAnEmptyBodyWithThem() throws Exception {
    Inbound.Send send = (Inbound.Send) frames.parse("{\"type\":\"send\",\"id\":\"m1\",\"to\":{\"user\":\"bob\"},"
        + "\"attachments\":[{\"asset\":\"" + ASSET + "\",\"mime\":\"image/png\",\"size\":12,\"key\":\"k\",\"name\":\"a.png\"}]}");
    assertThat(send.body()).isEmpty();
    assertThat(send.attachments()).singleElement().satisfies(a -> {
      assertThat(a.asset()).isEqualTo(ASSET);
      assertThat(a.size()).isEqualTo(12);
    });
  }

  @Test
  void shouldParseAckSyncAndHeartbeat() throws Exception {
    assertThat(frames.parse("{\"type\":\"ack\",\"seq\":7,\"status\":\"read\"}")).isEqualTo(new Inbound.Ack(7, true, false));
    assertThat(frames.parse("{\"type\":\"ack\",\"upTo\":9,\"status\":\"delivered\"}")).isEqualTo(new Inbound.Ack(9, false, true));
    assertThat(frames.parse("{\"type\":\"sync\",\"after\":3}")).isEqualTo(new Inbound.Sync(3));
    assertThat(frames.parse("{\"type\":\"sync\"}")).isEqualTo(new Inbound.Sync(0));
    assertThat(frames.parse("{\"type\":\"heartbeat\"}")).isEqualTo(new Inbound.Heartbeat());
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "", "null", "[]", "42", "\"send\"", "{", "{\"type\":1}", "{\"type\":\"teleport\"}",
      "{\"type\":\"send\",\"type\":\"ack\"}",
      "{\"type\":\"send\",\"to\":{\"user\":\"bob\"},\"body\":\"x\"}",
      "{\"type\":\"send\",\"id\":\"<script>\",\"to\":{\"user\":\"bob\"},\"body\":\"x\"}",
      "{\"type\":\"send\",\"id\":\"m1\",\"to\":\"bob\",\"body\":\"x\"}",
      "{\"type\":\"send\",\"id\":\"m1\",\"to\":{},\"body\":\"x\"}",
      "{\"type\":\"send\",\"id\":\"m1\",\"to\":{\"user\":\"bob\",\"group\":\"gabcde\"},\"body\":\"x\"}",
      "{\"type\":\"send\",\"id\":\"m1\",\"to\":{\"user\":\"Robert'); DROP TABLE users;--\"},\"body\":\"x\"}",
      "{\"type\":\"send\",\"id\":\"m1\",\"to\":{\"user\":\"bob\"},\"body\":42}",
      "{\"type\":\"send\",\"id\":\"m1\",\"to\":{\"user\":\"bob\"}}",
      "{\"type\":\"send\",\"id\":\"m1\",\"to\":{\"user\":\"bob\"},\"body\":\"x\",\"attachments\":{}}",
      "{\"type\":\"send\",\"id\":\"m1\",\"to\":{\"user\":\"bob\"},\"attachments\":[{\"asset\":\"../../etc/passwd\",\"mime\":\"image/png\",\"size\":1}]}",
      "{\"type\":\"send\",\"id\":\"m1\",\"to\":{\"user\":\"bob\"},\"attachments\":[{\"asset\":\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\",\"mime\":\"png\",\"size\":1}]}",
      "{\"type\":\"send\",\"id\":\"m1\",\"to\":{\"user\":\"bob\"},\"attachments\":[{\"asset\":\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\",\"mime\":\"image/png\",\"size\":-1}]}",
      "{\"type\":\"ack\",\"seq\":0,\"status\":\"read\"}",
      "{\"type\":\"ack\",\"seq\":1.5,\"status\":\"read\"}",
      "{\"type\":\"ack\",\"seq\":\"1\",\"status\":\"read\"}",
      "{\"type\":\"ack\",\"seq\":99999999999999999999999,\"status\":\"read\"}",
      "{\"type\":\"ack\",\"seq\":1,\"status\":\"seen\"}",
      "{\"type\":\"ack\",\"status\":\"delivered\"}",
      "{\"type\":\"ack\",\"seq\":1,\"upTo\":2,\"status\":\"delivered\"}",
      "{\"type\":\"ack\",\"upTo\":0,\"status\":\"delivered\"}",
      "{\"type\":\"ack\",\"upTo\":-5,\"status\":\"read\"}",
      "{\"type\":\"ack\",\"upTo\":\"all\",\"status\":\"read\"}",
      "{\"type\":\"sync\",\"after\":-1}",
  })
  void shouldRefuseMalformedFramesAsBadRequests(String text) {
    assertThatThrownBy(() -> frames.parse(text))
        .isInstanceOfSatisfying(FrameException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST));
  }

  @Test
  void shouldRefuseDeeplyNestedJson() {
    String deep = "{\"type\":\"heartbeat\",\"x\":" + "[".repeat(5000) + "]".repeat(5000) + "}";
    assertThatThrownBy(() -> frames.parse(deep)).isInstanceOf(FrameException.class);
  }

  @Test
  void shouldRefuseALongBodyAsTooLargeNamingTheMessage() {
    String text = "{\"type\":\"send\",\"id\":\"m9\",\"to\":{\"user\":\"bob\"},\"body\":\"" + "x".repeat(101) + "\"}";
    assertThatThrownBy(() -> frames.parse(text)).isInstanceOfSatisfying(FrameException.class, e -> {
      assertThat(e.code()).isEqualTo(ErrorCode.TOO_LARGE);
      assertThat(e.ref()).isEqualTo("m9");
    });
  }

  @Test
  void shouldRefuseTooManyAttachmentsAsTooLarge() {
    String one = "{\"asset\":\"" + ASSET + "\",\"mime\":\"image/png\",\"size\":1}";
    String text = "{\"type\":\"send\",\"id\":\"m9\",\"to\":{\"user\":\"bob\"},\"attachments\":[" + one + "," + one + "," + one + "]}";
    assertThatThrownBy(() -> frames.parse(text))
        .isInstanceOfSatisfying(FrameException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.TOO_LARGE));
  }

  @Test
  void shouldAcceptAnyUnicodeBody() throws Exception {
    Inbound.Send send = (Inbound.Send) frames.parse(
        "{\"type\":\"send\",\"id\":\"m1\",\"to\":{\"user\":\"bob\"},\"body\":\"h\\u00e9 \\ud83d\\ude00 \\u0000 <b>'\\\"\"}");
    assertThat(send.body()).isEqualTo("hé 😀 \u0000 <b>'\"");
  }
}
