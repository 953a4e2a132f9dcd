package io.parley.analytics.messages;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class MessageDecoderTest {
  private final MessageDecoder decoder = new MessageDecoder();

  @Test
  void shouldDecodeAMessageWrittenUnderTheCurrentSchema() {
    var result = decoder.decode(ParleyRecords.current("alice", "m-1", "dm:alice:bob", "did you see the match?", 1_700_000_000_000L));

    assertThat(result.failure()).isEmpty();
    assertThat(result.message()).contains(new ChatLine("alice", "m-1", "dm:alice:bob", "did you see the match?", 1_700_000_000_000L));
    assertThat(result.message().orElseThrow().key()).isEqualTo("alice/m-1");
  }

  @Test
  void shouldDecodeAMessageWrittenUnderAnOlderSchema() {
    var result = decoder.decode(ParleyRecords.firstVersion("bob", "m-2", "group:g1", "flight is delayed", 42L));

    assertThat(result.message()).contains(new ChatLine("bob", "m-2", "group:g1", "flight is delayed", 42L));
  }

  @Test
  void shouldKnowEveryStoredMessageSchemaTheHistoryLists() {
    assertThat(ParleySchemas.olderStoredMessages()).isNotEmpty()
        .allSatisfy(s -> assertThat(s.getFullName()).isEqualTo(ParleySchemas.STORED_MESSAGE));
  }

  @Test
  void shouldCallEmptyValuesEmpty() {
    assertThat(decoder.decode(new byte[0]).failure()).contains(MessageDecoder.Failure.EMPTY);
    assertThat(decoder.decode(null).failure()).contains(MessageDecoder.Failure.EMPTY);
  }

  @Test
  void shouldCallBytesWithoutTheAvroHeaderNotAvro() {
    var result = decoder.decode("{\"body\": \"plain json\"}".getBytes(StandardCharsets.UTF_8));

    assertThat(result.failure()).contains(MessageDecoder.Failure.NOT_AVRO);
  }

  @Test
  void shouldCallAnUnknownFingerprintUnknownSchema() {
    assertThat(decoder.decode(ParleyRecords.unknownFingerprint()).failure()).contains(MessageDecoder.Failure.UNKNOWN_SCHEMA);
  }

  @Test
  void shouldCallATruncatedBodyCorrupt() {
    byte[] whole = ParleyRecords.current("alice", "m-3", "dm:alice:bob", "a body long enough to cut", 7L);

    var result = decoder.decode(Arrays.copyOf(whole, 16));

    assertThat(result.failure()).contains(MessageDecoder.Failure.CORRUPT);
  }
}
