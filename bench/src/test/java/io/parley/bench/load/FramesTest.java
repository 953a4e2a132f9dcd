package io.parley.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class FramesTest {

  @Test
  void shouldWriteSendFramesTheGatewayParses() throws Exception {
    var frame = new ObjectMapper().readTree(Frames.send("b1-2", Address.user("u3"), "99:xx"));
    assertThat(frame.get("type").asText()).isEqualTo("send");
    assertThat(frame.get("to").get("user").asText()).isEqualTo("u3");
    assertThat(frame.get("body").asText()).isEqualTo("99:xx");
  }

  @Test
  void shouldAddressAGroupSendToTheGroup() throws Exception {
    var frame = new ObjectMapper().readTree(Frames.send("b1-2", Address.group("gbench0001"), "99:xx"));
    assertThat(frame.get("to").get("group").asText()).isEqualTo("gbench0001");
    assertThat(frame.get("to").has("user")).isFalse();
  }

  @Test
  void shouldReadTheFieldsOfAMessageAndSkipNestedOnes() {
    Frames.Inbound in = Frames.parse("{\"type\":\"message\",\"seq\":7,\"id\":\"b1-2\",\"from\":\"u2\",\"conversation\":\"dm:u2:u3\","
        + "\"body\":\"99:xx\",\"at\":1,\"attachments\":[{\"asset\":\"a\",\"size\":3}]}");
    assertThat(in.type()).isEqualTo("message");
    assertThat(in.seq()).isEqualTo(7);
    assertThat(in.id()).isEqualTo("b1-2");
    assertThat(in.from()).isEqualTo("u2");
    assertThat(in.body()).isEqualTo("99:xx");
  }

  @Test
  void shouldReadAnErrorWithItsRef() {
    Frames.Inbound in = Frames.parse("{\"type\":\"error\",\"code\":\"rate_limited\",\"message\":\"slow down\",\"ref\":\"b2-9\"}");
    assertThat(in.code()).isEqualTo("rate_limited");
    assertThat(in.ref()).isEqualTo("b2-9");
    assertThat(in.seq()).isEqualTo(-1);
  }
}
