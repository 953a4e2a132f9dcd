package io.parley.topology.mailbox;

import io.parley.schemas.serde.AvroSerde;
import io.parley.schemas.state.DeviceTable;
import io.parley.schemas.state.InboxEntry;
import io.parley.schemas.state.MessageRef;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/** The RocksDB stores a mailbox task owns; every key starts with the user it belongs to (see {@link MailboxKeys}). */
public final class MailboxStores {
  /** user → last seq given out. */
  public static final String SEQ = "mailbox-seq";
  /** user|seq → deliverable not yet acknowledged by every known device. */
  public static final String INBOX = "mailbox-inbox";
  /** user|seq → who sent the message at seq, kept after its content is gone so later acks still make receipts. */
  public static final String REFS = "mailbox-refs";
  /** user → the user's devices, their sessions and cursors. */
  public static final String DEVICES = "mailbox-devices";
  /** user|sender|client message id → seq it got. */
  public static final String DEDUPE = "mailbox-dedupe";
  /** dueAt|kind|key → nothing: what to remove when. */
  public static final String EXPIRY = "mailbox-expiry";
  /** gateway|incarnation|user|device → session: which sessions go when a gateway's lease does. */
  public static final String SESSIONS = "mailbox-sessions";

  private MailboxStores() {}

  public static List<StoreBuilder<? extends KeyValueStore<String, ?>>> builders() {
    return List.of(
        store(SEQ, Serdes.Long()),
        store(INBOX, AvroSerde.of(InboxEntry.class)),
        store(REFS, AvroSerde.of(MessageRef.class)),
        store(DEVICES, AvroSerde.of(DeviceTable.class)),
        store(DEDUPE, Serdes.Long()),
        store(EXPIRY, Serdes.String()),
        store(SESSIONS, Serdes.String()));
  }

  public static String[] names() {
    return new String[] {SEQ, INBOX, REFS, DEVICES, DEDUPE, EXPIRY, SESSIONS};
  }

  private static <V> StoreBuilder<KeyValueStore<String, V>> store(String name, org.apache.kafka.common.serialization.Serde<V> values) {
    // Caching absorbs the many rewrites of hot keys (seq, device table) between commits.
    return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name), Serdes.String(), values)
        .withCachingEnabled();
  }
}
