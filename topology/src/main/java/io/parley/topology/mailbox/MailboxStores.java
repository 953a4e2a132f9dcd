package io.parley.topology.mailbox;

import io.parley.schemas.serde.AvroSerde;
import io.parley.schemas.state.DeviceTable;
import io.parley.schemas.state.InboxEntry;
import io.parley.schemas.state.MessageRef;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.internals.CachingKeyValueStore;
import org.apache.kafka.streams.state.internals.WrappedStateStore;

/** The RocksDB stores a mailbox task owns; every key starts with the user it belongs to (see {@link MailboxKeys}). */
public final class MailboxStores {
  /** user → last seq given out, as mailboxes wrote it before the seq moved into the device table; read only. */
  public static final String SEQ = "mailbox-seq";
  /** user|seq → deliverable not yet acknowledged by every known device. */
  public static final String INBOX = "mailbox-inbox";
  /** user|seq → who sent the message at seq, kept after its content is gone so later acks still make receipts. */
  public static final String REFS = "mailbox-refs";
  /** user → the user's devices, their sessions and cursors, the last seq given out, booked sweeps. */
  public static final String DEVICES = "mailbox-devices";
  /** user|sender|client message id → when the key expires (older mailboxes: the seq it got). */
  public static final String DEDUPE = "mailbox-dedupe";
  /** dueAt|kind|user → nothing: which user's inbox or dedupe keys to sweep when (older mailboxes: dueAt|kind|entry key). */
  public static final String EXPIRY = "mailbox-expiry";
  /** gateway|incarnation|user|device → session: which sessions go when a gateway's lease does. */
  public static final String SESSIONS = "mailbox-sessions";

  private MailboxStores() {}

  /**
   * The record cache is kept for the per-user values a commit rewrites many times (the device table,
   * the session index); inbox entries are cached too, so one acknowledged within the commit that
   * stored it reaches the changelog as one tombstone instead of a put and a delete. Refs, dedupe
   * keys and expiry keys are written once each: caching them would only cost the cache's upkeep.
   */
  public static List<StoreBuilder<? extends KeyValueStore<String, ?>>> builders() {
    return List.of(
        store(SEQ, Serdes.Long(), false),
        store(INBOX, AvroSerde.of(InboxEntry.class), true),
        store(REFS, AvroSerde.of(MessageRef.class), false),
        store(DEVICES, AvroSerde.of(DeviceTable.class), true),
        store(DEDUPE, Serdes.Long(), false),
        store(EXPIRY, Serdes.String(), false),
        store(SESSIONS, Serdes.String(), true));
  }

  public static String[] names() {
    return new String[] {SEQ, INBOX, REFS, DEVICES, DEDUPE, EXPIRY, SESSIONS};
  }

  /**
   * Makes the record cache of {@code store} drop the delete of a key that never left the cache: an
   * inbox entry acknowledged within the commit that stored it then writes nothing at all, where the
   * cache alone would still write a tombstone to RocksDB and the changelog for a key neither holds.
   *
   * <p>Streams skips such deletes only for a cache that has a flush listener (the DSL's tables set
   * one); a processor's store gets a listener that does nothing, set on the caching layer itself so
   * flushed values are not deserialized for it. Deletes of keys RocksDB holds are written as before,
   * so the changelog restores the same state. A store without a cache is left as it is.
   *
   * @return whether a cache was found
   */
  static boolean dropDeletesOfUnflushedKeys(StateStore store) {
    StateStore layer = store;
    while (layer instanceof WrappedStateStore<?, ?, ?> wrapped) {
      if (layer instanceof CachingKeyValueStore caching) {
        caching.setFlushListener(flushed -> { }, false);
        return true;
      }
      layer = wrapped.wrapped();
    }
    return false;
  }

  private static <V> StoreBuilder<KeyValueStore<String, V>> store(String name, org.apache.kafka.common.serialization.Serde<V> values,
      boolean cached) {
    StoreBuilder<KeyValueStore<String, V>> builder =
        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name), Serdes.String(), values);
    return cached ? builder.withCachingEnabled() : builder.withCachingDisabled();
  }
}
