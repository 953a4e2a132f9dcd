package io.parley.topology.lastseen;

import io.parley.schemas.LastSeen;
import io.parley.schemas.serde.AvroSerde;
import io.parley.schemas.state.LastSeenState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * Publishes each user's presence to the last-seen topic, coalesced: a change of online/offline goes
 * out at once; a newer "last seen" from heartbeats at most once per interval per user. Heartbeats
 * every 5 s from every open app thus become one record per user per interval.
 */
public final class Presence {
  /** user → what is known and what was last published. */
  public static final String STORE = "lastseen";
  /** dueAt|user → nothing: users whose newer last-seen waits for its interval to pass. */
  public static final String DUE = "lastseen-due";
  public static final String SINK = "last-seen-sink";
  private static final int FLUSH_BATCH = 10_000;

  private final ProcessorContext<String, SpecificRecord> context;
  private final KeyValueStore<String, LastSeenState> states;
  private final KeyValueStore<String, String> due;
  private final long interval;

  public Presence(ProcessorContext<String, SpecificRecord> context, Duration interval) {
    this.context = context;
    this.states = context.getStateStore(STORE);
    this.due = context.getStateStore(DUE);
    this.interval = interval.toMillis();
  }

  public static List<StoreBuilder<?>> storeBuilders() {
    return List.of(
        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE), Serdes.String(), AvroSerde.of(LastSeenState.class))
            .withCachingEnabled(),
        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(DUE), Serdes.String(), Serdes.String())
            .withCachingEnabled());
  }

  /** The app of {@code user} was open at {@code seenAt}; published now or when the interval allows. */
  public void seen(String user, long seenAt, boolean online, long now) {
    LastSeenState state = state(user);
    state.setLastSeen(Math.max(state.getLastSeen(), Math.min(seenAt, now)));
    if (online != state.getEmittedOnline() || state.getEmittedAt() == 0 || now - state.getEmittedAt() >= interval) {
      publish(user, state, online, now);
    } else if (state.getLastSeen() != state.getEmittedLastSeen() && !state.getDue()) {
      state.setDue(true);
      due.put(dueKey(state.getEmittedAt() + interval, user), "");
    }
    states.put(user, state);
  }

  /** The user's first device connected ({@code online}) or last device left; published at once. */
  public void sessionsChanged(String user, boolean online, long seenAt, long now) {
    LastSeenState state = state(user);
    state.setLastSeen(Math.max(state.getLastSeen(), Math.min(seenAt, now)));
    publish(user, state, online, now);
    states.put(user, state);
  }

  /** Publishes the last-seen of users whose interval has passed; {@code online} says who is online now. */
  public void flushDue(long now, java.util.function.Predicate<String> online) {
    List<String> keys = new ArrayList<>();
    try (KeyValueIterator<String, String> it = due.range(pad(0), dueKey(now, "~"))) {
      while (it.hasNext() && keys.size() < FLUSH_BATCH) {
        keys.add(it.next().key);
      }
    }
    for (String key : keys) {
      due.delete(key);
      String user = key.substring(20);
      LastSeenState state = states.get(user);
      if (state == null || !state.getDue()) {
        continue;
      }
      state.setDue(false);
      if (state.getLastSeen() != state.getEmittedLastSeen()) {
        publish(user, state, online.test(user), now);
      }
      states.put(user, state);
    }
  }

  private void publish(String user, LastSeenState state, boolean online, long now) {
    state.setEmittedAt(now);
    state.setEmittedLastSeen(state.getLastSeen());
    state.setEmittedOnline(online);
    context.forward(new Record<>(user, new LastSeen(user, state.getLastSeen(), online, now), now), SINK);
  }

  private LastSeenState state(String user) {
    LastSeenState state = states.get(user);
    return state != null ? state : LastSeenState.newBuilder().build();
  }

  private static String pad(long n) {
    return String.format("%019d", n);
  }

  private static String dueKey(long at, String user) {
    return pad(at) + '|' + user;
  }
}
