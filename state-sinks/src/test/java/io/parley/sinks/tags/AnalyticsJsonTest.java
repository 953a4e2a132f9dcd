package io.parley.sinks.tags;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.parley.sinks.InvalidRecordException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AnalyticsJsonTest {
  private static final String ID = "3f2b8c1e-9d4a-4e57-8a43-2f1c0e6b7d90";
  /** A record as the analytics job writes it (docs/analytics.md). */
  private static final String TAG = "{\"messageId\":\"" + ID + "\",\"sender\":\"alice\",\"conversation\":\"dm:alice:bob\","
      + "\"tag\":\"sports\",\"score\":0.9998,\"tags\":[{\"tag\":\"sports\",\"score\":0.9998}],"
      + "\"model\":\"embeddings-minilm-lr-794035a4\",\"eventTime\":\"2026-12-01T23:10:04.123Z\"}";

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void shouldReadATagAsTheJobWritesIt() throws Exception {
    MessageTag tag = AnalyticsJson.tag("alice/" + ID, bytes(TAG));
    assertThat(tag).isEqualTo(new MessageTag("dm:alice:bob", Instant.parse("2026-12-01T23:10:04.123Z").toEpochMilli(),
        "alice", ID, "sports", 0.9998, "embeddings-minilm-lr-794035a4"));
  }

  @Test
  void shouldReadATimeWithAnOffset() throws Exception {
    MessageTag tag = AnalyticsJson.tag("alice/" + ID, bytes(TAG.replace("23:10:04.123Z", "23:10:04.123+01:00")));
    assertThat(tag.sentAt()).isEqualTo(Instant.parse("2026-12-01T22:10:04.123Z").toEpochMilli());
  }

  @Test
  void shouldReadATrendCount() throws Exception {
    TrendCount count = AnalyticsJson.trend("2026-12-01T23:10:00Z|sports", bytes(
        "{\"windowStart\":\"2026-12-01T23:10:00.000Z\",\"windowEnd\":\"2026-12-01T23:20:00.000Z\",\"tag\":\"sports\",\"count\":3}"));
    assertThat(count).isEqualTo(new TrendCount(Instant.parse("2026-12-01T23:10:00Z").toEpochMilli(),
        Instant.parse("2026-12-01T23:20:00Z").toEpochMilli(), "sports", 3));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "not json", "[1]", "null", "{}",
      "{\"messageId\":\"" + ID + "\",\"sender\":\"bob\",\"conversation\":\"dm:alice:bob\",\"tag\":\"sports\",\"score\":1,\"model\":\"m\",\"eventTime\":\"2026-12-01T23:10:04Z\"}",
      "{\"messageId\":\"" + ID + "\",\"sender\":\"alice\",\"conversation\":\"nowhere\",\"tag\":\"sports\",\"score\":1,\"model\":\"m\",\"eventTime\":\"2026-12-01T23:10:04Z\"}",
      "{\"messageId\":\"" + ID + "\",\"sender\":\"alice\",\"conversation\":\"dm:alice:bob\",\"tag\":\"Sports!\",\"score\":1,\"model\":\"m\",\"eventTime\":\"2026-12-01T23:10:04Z\"}",
      "{\"messageId\":\"" + ID + "\",\"sender\":\"alice\",\"conversation\":\"dm:alice:bob\",\"tag\":\"sports\",\"score\":1.5,\"model\":\"m\",\"eventTime\":\"2026-12-01T23:10:04Z\"}",
      "{\"messageId\":\"" + ID + "\",\"sender\":\"alice\",\"conversation\":\"dm:alice:bob\",\"tag\":\"sports\",\"score\":1,\"model\":\"m\",\"eventTime\":\"yesterday\"}",
      "{\"messageId\":\"" + ID + "\",\"sender\":\"alice\",\"conversation\":\"dm:alice:bob\",\"tag\":\"sports\",\"score\":1,\"eventTime\":\"2026-12-01T23:10:04Z\"}"})
  void shouldRefuseWhatTheJobNeverWrites(String value) {
    assertThatThrownBy(() -> AnalyticsJson.tag("alice/" + ID, bytes(value))).isInstanceOf(InvalidRecordException.class);
  }

  @Test
  void shouldRefuseATombstoneAndAWrongKey() {
    assertThatThrownBy(() -> AnalyticsJson.tag("alice/" + ID, null)).isInstanceOf(InvalidRecordException.class);
    assertThatThrownBy(() -> AnalyticsJson.tag("bob/" + ID, bytes(TAG))).isInstanceOf(InvalidRecordException.class);
    assertThatThrownBy(() -> AnalyticsJson.trend("2026-12-01T23:10:00Z|food", bytes(
        "{\"windowStart\":\"2026-12-01T23:10:00Z\",\"windowEnd\":\"2026-12-01T23:20:00Z\",\"tag\":\"sports\",\"count\":3}")))
        .isInstanceOf(InvalidRecordException.class);
    assertThatThrownBy(() -> AnalyticsJson.trend("2026-12-01T23:10:00Z|sports", bytes(
        "{\"windowStart\":\"2026-12-01T23:20:00Z\",\"windowEnd\":\"2026-12-01T23:10:00Z\",\"tag\":\"sports\",\"count\":3}")))
        .isInstanceOf(InvalidRecordException.class);
    assertThatThrownBy(() -> AnalyticsJson.trend("2026-12-01T23:10:00Z|sports", bytes(
        "{\"windowStart\":\"2026-12-01T23:10:00Z\",\"windowEnd\":\"2026-12-01T23:20:00Z\",\"tag\":\"sports\",\"count\":-1}")))
        .isInstanceOf(InvalidRecordException.class);
  }
}
