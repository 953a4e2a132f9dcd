package io.parley.topology.mailbox;

import io.parley.schemas.Envelope;
import io.parley.schemas.state.DeviceState;
import io.parley.schemas.state.DeviceTable;
import io.parley.schemas.state.InboxEntry;
import io.parley.schemas.state.MessageRef;
import io.parley.topology.mailbox.MailboxKeys.ExpiryKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToLongFunction;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * One task's view of the mailbox stores: typed reads and writes, no rules.
 *
 * <p>A user's seq lives in the device table, so a deliverable rewrites one per-user value (which the
 * record cache folds across a commit) instead of two. What expires is found through sweeps booked
 * per user and per time bucket (at most one index key per user per bucket), not an index key per
 * entry: a message writes no expiry record of its own.
 */
final class Mailbox {
  /** Time values at or above this are expiry times; below, a dedupe value is a seq written before sweeps existed. */
  private static final long EPOCH_MS_FLOOR = 1_000_000_000_000L;
  /**
   * Seq ranges shorter than this are read key by key rather than scanned. A RocksDB iterator steps
   * past the range's last live key to the next one, over every tombstone in between, and right
   * after a burst the next user's acknowledged entries are thousands of tombstones until
   * compaction: a scan per ack then costs far more than a few point reads, which bloom filters and
   * the record cache answer.
   */
  static final int POINT_READS_MAX = 1024;

  /** Written by mailboxes older than {@link DeviceTable#getLastSeq()}; read, never written. */
  private final KeyValueStore<String, Long> legacySeqs;
  private final KeyValueStore<String, InboxEntry> inbox;
  private final KeyValueStore<String, MessageRef> refs;
  private final KeyValueStore<String, DeviceTable> devices;
  private final KeyValueStore<String, Long> dedupe;
  private final KeyValueStore<String, String> expiry;
  private final KeyValueStore<String, String> sessions;
  private final Duration retention;
  private final Duration dedupeTtl;

  Mailbox(ProcessorContext<?, ?> context, Duration retention, Duration dedupeTtl) {
    this.legacySeqs = context.getStateStore(MailboxStores.SEQ);
    this.inbox = context.getStateStore(MailboxStores.INBOX);
    this.refs = context.getStateStore(MailboxStores.REFS);
    this.devices = context.getStateStore(MailboxStores.DEVICES);
    this.dedupe = context.getStateStore(MailboxStores.DEDUPE);
    this.expiry = context.getStateStore(MailboxStores.EXPIRY);
    this.sessions = context.getStateStore(MailboxStores.SESSIONS);
    MailboxStores.dropDeletesOfUnflushedKeys(context.getStateStore(MailboxStores.INBOX));
    MailboxStores.dropDeletesOfUnflushedKeys(context.getStateStore(MailboxStores.SESSIONS));
    this.retention = retention;
    this.dedupeTtl = dedupeTtl;
  }

  DeviceTable devices(String user) {
    DeviceTable table = devices.get(user);
    if (table == null) {
      table = new DeviceTable(new ArrayList<>(), 0L, 0L, 0L, 0L);
    }
    if (table.getLastSeq() == 0) {
      Long legacy = legacySeqs.get(user);
      if (legacy != null) {
        table.setLastSeq(legacy);
      }
    }
    return table;
  }

  void saveDevices(String user, DeviceTable table) {
    devices.put(user, table);
  }

  static long lastSeq(DeviceTable table) {
    return table.getLastSeq();
  }

  /** Gives out the user's next seq; the caller saves the table. */
  static long nextSeq(DeviceTable table) {
    table.setLastSeq(table.getLastSeq() + 1);
    return table.getLastSeq();
  }

  /** Keeps a deliverable until every device has it or retention ends; the caller saves the table. */
  void keep(String user, DeviceTable table, long seq, Envelope envelope, long now) {
    inbox.put(MailboxKeys.seq(user, seq), new InboxEntry(envelope, now));
    long sweepAt = bucketEnd(now + retention.toMillis(), retention);
    if (table.getInboxSweepAt() < sweepAt) {
      expiry.put(MailboxKeys.expiry(sweepAt, ExpiryKind.INBOX_SWEEP, user), "");
      table.setInboxSweepAt(sweepAt);
    }
  }

  /** Up to {@code limit} entries in [fromSeq, toSeq] that {@code device} has not acknowledged, in seq order. */
  List<KeyValue<Long, InboxEntry>> unsent(String user, DeviceState device, long fromSeq, long toSeq, int limit) {
    List<KeyValue<Long, InboxEntry>> out = new ArrayList<>();
    if (fromSeq > toSeq || limit <= 0) {
      return out;
    }
    if (toSeq - fromSeq < POINT_READS_MAX) {
      for (long seq = fromSeq; seq <= toSeq && out.size() < limit; seq++) {
        InboxEntry entry = Devices.hasAcked(device, seq) ? null : inbox.get(MailboxKeys.seq(user, seq));
        if (entry != null) {
          out.add(KeyValue.pair(seq, entry));
        }
      }
      return out;
    }
    try (KeyValueIterator<String, InboxEntry> it = inbox.range(MailboxKeys.seq(user, fromSeq), MailboxKeys.seq(user, toSeq))) {
      while (it.hasNext() && out.size() < limit) {
        KeyValue<String, InboxEntry> kv = it.next();
        long seq = MailboxKeys.seqOf(kv.key);
        if (!Devices.hasAcked(device, seq)) {
          out.add(KeyValue.pair(seq, kv.value));
        }
      }
    }
    return out;
  }

  InboxEntry entry(String user, long seq) {
    return inbox.get(MailboxKeys.seq(user, seq));
  }

  /** Removes inbox entries with fromSeq <= seq <= toSeq; their refs stay until retention. */
  void drop(String user, long fromSeq, long toSeq) {
    if (fromSeq > toSeq) {
      return;
    }
    if (toSeq - fromSeq < POINT_READS_MAX) {
      for (long seq = fromSeq; seq <= toSeq; seq++) {
        inbox.delete(MailboxKeys.seq(user, seq));
      }
      return;
    }
    List<String> gone = new ArrayList<>();
    try (KeyValueIterator<String, InboxEntry> it = inbox.range(MailboxKeys.seq(user, fromSeq), MailboxKeys.seq(user, toSeq))) {
      it.forEachRemaining(kv -> gone.add(kv.key));
    }
    gone.forEach(inbox::delete);
  }

  MessageRef ref(String user, long seq) {
    return refs.get(MailboxKeys.seq(user, seq));
  }

  void putRef(String user, long seq, MessageRef ref) {
    refs.put(MailboxKeys.seq(user, seq), ref);
  }

  Long seenMessage(String user, String sender, String messageId) {
    return dedupe.get(MailboxKeys.dedupe(user, sender, messageId));
  }

  /** Remembers a message id until the dedupe TTL ends; the caller saves the table. */
  void rememberMessage(String user, DeviceTable table, String sender, String messageId, long now) {
    long expiresAt = now + dedupeTtl.toMillis();
    dedupe.put(MailboxKeys.dedupe(user, sender, messageId), expiresAt);
    long sweepAt = bucketEnd(expiresAt, dedupeTtl);
    if (table.getDedupeSweepAt() < sweepAt) {
      expiry.put(MailboxKeys.expiry(sweepAt, ExpiryKind.DEDUPE_SWEEP, user), "");
      table.setDedupeSweepAt(sweepAt);
    }
  }

  void indexSession(String gateway, long incarnation, String user, String device, String session) {
    sessions.put(MailboxKeys.session(gateway, incarnation, user, device), session);
  }

  void unindexSession(String gateway, long incarnation, String user, String device) {
    sessions.delete(MailboxKeys.session(gateway, incarnation, user, device));
  }

  record IndexedSession(String user, String device, String session, long incarnation) {}

  /** Sessions of {@code gateway} with incarnation <= {@code throughIncarnation}. */
  List<IndexedSession> sessionsOf(String gateway, long throughIncarnation) {
    List<IndexedSession> out = new ArrayList<>();
    try (KeyValueIterator<String, String> it = sessions.range(
        MailboxKeys.sessionsFrom(gateway), MailboxKeys.sessionsThrough(gateway, throughIncarnation))) {
      while (it.hasNext()) {
        KeyValue<String, String> kv = it.next();
        String[] parts = kv.key.split("\\|", -1);
        // gateway | incarnation | user | device
        out.add(new IndexedSession(parts[2], parts[3], kv.value, Long.parseLong(parts[1])));
      }
    }
    return out;
  }

  /**
   * Runs up to {@code limit} sweeps (and per-entry removals booked by older mailboxes) due at or
   * before {@code now}; returns how many inbox entries retention removed.
   */
  int expire(long now, int limit) {
    List<String> due = new ArrayList<>();
    try (KeyValueIterator<String, String> it = expiry.range(MailboxKeys.pad(0), MailboxKeys.expiryUpTo(now))) {
      while (it.hasNext() && due.size() < limit) {
        due.add(it.next().key);
      }
    }
    int expired = 0;
    for (String key : due) {
      ExpiryKind kind = ExpiryKind.of(key.charAt(20));
      String target = key.substring(22);
      switch (kind) {
        case INBOX_SWEEP -> expired += sweepInbox(target, now);
        case DEDUPE_SWEEP -> sweepDedupe(target, now);
        case INBOX -> {
          if (inbox.delete(target) != null) {
            expired++;
          }
          refs.delete(target);
        }
        case DEDUPE -> dedupe.delete(target);
      }
      expiry.delete(key);
    }
    return expired;
  }

  /** Seqs follow time, so the entries and refs past retention are a prefix of the user's range. */
  private int sweepInbox(String user, long now) {
    long cutoff = now - retention.toMillis();
    List<String> gone = pastRetention(inbox, user, cutoff, InboxEntry::getStoredAt);
    gone.forEach(inbox::delete);
    pastRetention(refs, user, cutoff, MessageRef::getStoredAt).forEach(refs::delete);
    return gone.size();
  }

  private static <V> List<String> pastRetention(KeyValueStore<String, V> store, String user, long cutoff,
      ToLongFunction<V> storedAt) {
    List<String> out = new ArrayList<>();
    try (KeyValueIterator<String, V> it = store.range(MailboxKeys.seq(user, 0), MailboxKeys.seq(user, Long.MAX_VALUE))) {
      while (it.hasNext()) {
        KeyValue<String, V> kv = it.next();
        if (storedAt.applyAsLong(kv.value) > cutoff) {
          break;
        }
        out.add(kv.key);
      }
    }
    return out;
  }

  private void sweepDedupe(String user, long now) {
    List<String> gone = new ArrayList<>();
    try (KeyValueIterator<String, Long> it = dedupe.range(user + MailboxKeys.SEP, MailboxKeys.dedupeEnd(user))) {
      while (it.hasNext()) {
        KeyValue<String, Long> kv = it.next();
        // Older mailboxes stored the seq here and booked a removal of their own for it.
        if (kv.value >= EPOCH_MS_FLOOR && kv.value <= now) {
          gone.add(kv.key);
        }
      }
    }
    gone.forEach(dedupe::delete);
  }

  /**
   * The end of the time bucket holding {@code dueAt}: a sweep runs at most one bucket late, and a
   * user books at most one sweep per bucket. Buckets are a 24th of the period, between 1 s and 1 h.
   */
  static long bucketEnd(long dueAt, Duration period) {
    long width = Math.max(1_000L, Math.min(3_600_000L, period.toMillis() / 24));
    return Math.floorDiv(dueAt + width - 1, width) * width;
  }
}
