package io.parley.sinks.lastseen;

/** What one record of the {@code last-seen} topic asks of the {@code last_seen} table. */
public sealed interface LastSeenChange {
  String user();

  /** When this change was made, epoch ms: the later change wins, whatever order they arrive in. */
  long at();

  default long writeTimestampMicros() {
    return at() * 1000;
  }

  /** The user's presence as of {@code at}. */
  record Update(String user, long lastSeen, boolean online, long at) implements LastSeenChange {}

  /** A tombstone on the compacted topic: the user's presence is forgotten. */
  record Delete(String user, long at) implements LastSeenChange {}
}
