package io.parley.sinks.lastseen;

import io.parley.model.Ids;
import io.parley.schemas.LastSeen;
import io.parley.schemas.serde.AvroSerde;
import io.parley.sinks.InvalidRecordException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Turns records of the {@code last-seen} topic into changes of the {@code last_seen} table. */
public final class LastSeenRows {
  private static final AvroSerde<LastSeen> SERDE = AvroSerde.of(LastSeen.class);

  private LastSeenRows() {}

  /**
   * @param key the user
   * @param value a {@code LastSeen} in Avro single-object encoding, or null (a tombstone)
   * @param recordTimestamp the record's own timestamp, epoch ms: the time of a tombstone
   */
  public static LastSeenChange fromRecord(String key, byte[] value, long recordTimestamp) throws InvalidRecordException {
    if (!Ids.isUser(key)) {
      throw new InvalidRecordException("record key is not a user id: " + key);
    }
    if (value == null) {
      return new LastSeenChange.Delete(key, Math.max(recordTimestamp, 0));
    }
    LastSeen seen;
    try {
      seen = SERDE.decode(value);
    } catch (RuntimeException e) {
      throw new InvalidRecordException("not a LastSeen: " + e.getMessage(), e);
    }
    return fromValue(key, seen);
  }

  public static LastSeenChange fromValue(String key, LastSeen seen) throws InvalidRecordException {
    if (!key.equals(seen.getUser())) {
      throw new InvalidRecordException("record key '" + key + "' is not the record's user '" + seen.getUser() + "'");
    }
    if (seen.getLastSeen() < 0 || seen.getAt() <= 0) {
      throw new InvalidRecordException("lastSeen and at must be epoch ms, were " + seen.getLastSeen() + " and " + seen.getAt());
    }
    return new LastSeenChange.Update(key, seen.getLastSeen(), seen.getOnline(), seen.getAt());
  }

  /** The one change per user that counts: the latest ({@code at}), the later record on a tie. */
  public static List<LastSeenChange> latestPerUser(List<LastSeenChange> changes) {
    Map<String, LastSeenChange> latest = new LinkedHashMap<>();
    for (LastSeenChange change : changes) {
      latest.merge(change.user(), change, (a, b) -> b.at() >= a.at() ? b : a);
    }
    return List.copyOf(latest.values());
  }
}
