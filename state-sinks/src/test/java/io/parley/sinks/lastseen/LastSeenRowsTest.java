package io.parley.sinks.lastseen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.parley.schemas.LastSeen;
import io.parley.schemas.serde.AvroSerde;
import io.parley.sinks.InvalidRecordException;
import java.util.List;
import org.junit.jupiter.api.Test;

class LastSeenRowsTest {
  private static final AvroSerde<LastSeen> SERDE = AvroSerde.of(LastSeen.class);

  @Test
  void shouldMapARecordToAnUpdateWrittenAtItsOwnTime() throws Exception {
    LastSeenChange change = LastSeenRows.fromRecord("alice", SERDE.encode(new LastSeen("alice", 1_000L, true, 1_500L)), 9);
    assertThat(change).isEqualTo(new LastSeenChange.Update("alice", 1_000L, true, 1_500L));
    assertThat(change.writeTimestampMicros()).isEqualTo(1_500_000L);
  }

  @Test
  void shouldTurnATombstoneIntoADeleteAtTheRecordsTime() throws Exception {
    assertThat(LastSeenRows.fromRecord("alice", null, 7_000L)).isEqualTo(new LastSeenChange.Delete("alice", 7_000L));
  }

  @Test
  void shouldRefuseUndecodableOrInconsistentRecords() {
    assertThatThrownBy(() -> LastSeenRows.fromRecord("alice", new byte[] {(byte) 0xC3, 1, 2, 3}, 1))
        .isInstanceOf(InvalidRecordException.class).hasMessageContaining("not a LastSeen");
    assertThatThrownBy(() -> LastSeenRows.fromRecord("bob", SERDE.encode(new LastSeen("alice", 1L, true, 2L)), 1))
        .isInstanceOf(InvalidRecordException.class).hasMessageContaining("not the record's user");
    assertThatThrownBy(() -> LastSeenRows.fromRecord("Not A User!", null, 1))
        .isInstanceOf(InvalidRecordException.class).hasMessageContaining("not a user id");
    assertThatThrownBy(() -> LastSeenRows.fromRecord("alice", SERDE.encode(new LastSeen("alice", 1L, true, 0L)), 1))
        .isInstanceOf(InvalidRecordException.class);
  }

  @Test
  void shouldKeepTheLatestChangePerUser() {
    var older = new LastSeenChange.Update("alice", 1, true, 10);
    var newer = new LastSeenChange.Update("alice", 5, false, 20);
    var bob = new LastSeenChange.Update("bob", 3, true, 15);
    assertThat(LastSeenRows.latestPerUser(List.of(newer, bob, older))).containsExactly(newer, bob);
  }
}
