package io.parley.topology.mailbox;

import io.parley.schemas.Envelope;
import io.parley.schemas.state.DeviceState;
import io.parley.schemas.state.DeviceTable;
import io.parley.schemas.state.InboxEntry;
import io.parley.schemas.state.MessageRef;
import io.parley.topology.mailbox.MailboxKeys.ExpiryKind;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/** One task's view of the mailbox stores: typed reads and writes, no rules. */
final class Mailbox {
  private final KeyValueStore<String, Long> seqs;
  private final KeyValueStore<String, InboxEntry> inbox;
  private final KeyValueStore<String, MessageRef> refs;
  private final KeyValueStore<String, DeviceTable> devices;
  private final KeyValueStore<String, Long> dedupe;
  private final KeyValueStore<String, String> expiry;
  private final KeyValueStore<String, String> sessions;

  Mailbox(ProcessorContext<?, ?> context) {
    this.seqs = context.getStateStore(MailboxStores.SEQ);
    this.inbox = context.getStateStore(MailboxStores.INBOX);
    this.refs = context.getStateStore(MailboxStores.REFS);
    this.devices = context.getStateStore(MailboxStores.DEVICES);
    this.dedupe = context.getStateStore(MailboxStores.DEDUPE);
    this.expiry = context.getStateStore(MailboxStores.EXPIRY);
    this.sessions = context.getStateStore(MailboxStores.SESSIONS);
  }

  long lastSeq(String user) {
    Long last = seqs.get(user);
    return last == null ? 0L : last;
  }

  long nextSeq(String user) {
    long next = lastSeq(user) + 1;
    seqs.put(user, next);
    return next;
  }

  void keep(String user, long seq, Envelope envelope, long now, long expiresAt) {
    String key = MailboxKeys.seq(user, seq);
    inbox.put(key, new InboxEntry(envelope, now));
    expiry.put(MailboxKeys.expiry(expiresAt, ExpiryKind.INBOX, key), "");
  }

  /** Inbox entries of one user with fromSeq <= seq <= toSeq, in seq order. */
  List<KeyValue<Long, InboxEntry>> entries(String user, long fromSeq, long toSeq) {
    List<KeyValue<Long, InboxEntry>> out = new ArrayList<>();
    if (fromSeq > toSeq) {
      return out;
    }
    try (KeyValueIterator<String, InboxEntry> it = inbox.range(MailboxKeys.seq(user, fromSeq), MailboxKeys.seq(user, toSeq))) {
      it.forEachRemaining(kv -> out.add(KeyValue.pair(MailboxKeys.seqOf(kv.key), kv.value)));
    }
    return out;
  }

  /** Up to {@code limit} entries in [fromSeq, toSeq] that {@code device} has not acknowledged, in seq order. */
  List<KeyValue<Long, InboxEntry>> unsent(String user, DeviceState device, long fromSeq, long toSeq, int limit) {
    List<KeyValue<Long, InboxEntry>> out = new ArrayList<>();
    if (fromSeq > toSeq || limit <= 0) {
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

  /** Removes inbox entries with fromSeq <= seq <= toSeq; their refs stay until they expire. */
  void drop(String user, long fromSeq, long toSeq) {
    for (KeyValue<Long, InboxEntry> kv : entries(user, fromSeq, toSeq)) {
      inbox.delete(MailboxKeys.seq(user, kv.key));
    }
  }

  MessageRef ref(String user, long seq) {
    return refs.get(MailboxKeys.seq(user, seq));
  }

  void putRef(String user, long seq, MessageRef ref) {
    refs.put(MailboxKeys.seq(user, seq), ref);
  }

  DeviceTable devices(String user) {
    DeviceTable table = devices.get(user);
    return table == null ? new DeviceTable(new ArrayList<>()) : table;
  }

  void saveDevices(String user, DeviceTable table) {
    devices.put(user, table);
  }

  Long seenMessage(String user, String sender, String messageId) {
    return dedupe.get(MailboxKeys.dedupe(user, sender, messageId));
  }

  void rememberMessage(String user, String sender, String messageId, long seq, long expiresAt) {
    String key = MailboxKeys.dedupe(user, sender, messageId);
    dedupe.put(key, seq);
    expiry.put(MailboxKeys.expiry(expiresAt, ExpiryKind.DEDUPE, key), "");
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
   * Removes up to {@code limit} items due at or before {@code now}; {@code onInboxExpired} sees
   * each inbox entry removed this way (user|seq key, entry) so it can be counted.
   */
  int expire(long now, int limit, BiConsumer<String, InboxEntry> onInboxExpired) {
    List<String> due = new ArrayList<>();
    try (KeyValueIterator<String, String> it = expiry.range(MailboxKeys.pad(0), MailboxKeys.expiryUpTo(now))) {
      while (it.hasNext() && due.size() < limit) {
        due.add(it.next().key);
      }
    }
    for (String key : due) {
      ExpiryKind kind = ExpiryKind.of(key.charAt(20));
      String storeKey = key.substring(22);
      if (kind == ExpiryKind.INBOX) {
        InboxEntry gone = inbox.delete(storeKey);
        refs.delete(storeKey);
        if (gone != null) {
          onInboxExpired.accept(storeKey, gone);
        }
      } else {
        dedupe.delete(storeKey);
      }
      expiry.delete(key);
    }
    return due.size();
  }
}
