package io.parley.topology.mailbox;

import io.parley.schemas.state.DeviceState;
import io.parley.schemas.state.DeviceTable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** The rules of one user's device table: lookup, admission, acknowledgement cursors. */
final class Devices {
  /** Out-of-order acks remembered per device; beyond this, older ones wait for the cursor to catch up. */
  static final int MAX_ACKED_ABOVE = 4096;

  private Devices() {}

  static Optional<DeviceState> find(DeviceTable table, String device) {
    return table.getDevices().stream().filter(d -> d.getDevice().equals(device)).findFirst();
  }

  /**
   * The device's state, added if new. A full table forgets its least recently active offline device;
   * if every device is online, the least recently active one goes.
   */
  static DeviceState admit(DeviceTable table, String device, int maxDevices, long now) {
    Optional<DeviceState> known = find(table, device);
    if (known.isPresent()) {
      return known.get();
    }
    List<DeviceState> all = new ArrayList<>(table.getDevices());
    while (all.size() >= maxDevices) {
      DeviceState evict = all.stream()
          .min(Comparator.comparing((DeviceState d) -> d.getOnline()).thenComparingLong(DeviceState::getLastActiveAt))
          .orElseThrow();
      all.remove(evict);
    }
    DeviceState fresh = DeviceState.newBuilder().setDevice(device).setLastActiveAt(now).setAckedAbove(new ArrayList<>()).build();
    all.add(fresh);
    table.setDevices(all);
    return fresh;
  }

  /**
   * A device signed in and not connected yet: admitted offline, holding what comes after the user's
   * last seq. Returns false, changing nothing, if the table knows the device already.
   */
  static boolean register(DeviceTable table, String device, int maxDevices, long now) {
    if (find(table, device).isPresent()) {
      return false;
    }
    DeviceState fresh = admit(table, device, maxDevices, now);
    fresh.setCursor(table.getLastSeq());
    fresh.setRoutedUpTo(table.getLastSeq());
    fresh.setAwaitingFirstSession(true);
    return true;
  }

  /**
   * The first session of a device registered at sign-in starts as a new device's does: from what
   * the client says it holds, 0 if nothing, so it also gets whatever the inbox still holds.
   */
  static void startFirstSession(DeviceState d) {
    if (d.getAwaitingFirstSession()) {
      d.setCursor(0L);
      d.setAckedAbove(new ArrayList<>());
      d.setAwaitingFirstSession(false);
    }
  }

  /** Forgets the device; the rest of the table (other devices, last seq, read mark, sweeps) stays. */
  static void remove(DeviceTable table, String device) {
    List<DeviceState> rest = new ArrayList<>(table.getDevices());
    rest.removeIf(d -> d.getDevice().equals(device));
    table.setDevices(rest);
  }

  /** The lowest cursor of all known devices: every seq up to it is acknowledged by every device. */
  static long minCursor(DeviceTable table) {
    return table.getDevices().stream().mapToLong(DeviceState::getCursor).min().orElse(0L);
  }

  static boolean hasAcked(DeviceState d, long seq) {
    return seq <= d.getCursor() || d.getAckedAbove().contains(seq);
  }

  /** Records that the device has {@code seq}; returns false if it already had it. */
  static boolean ack(DeviceState d, long seq) {
    if (hasAcked(d, seq)) {
      return false;
    }
    List<Long> above = new ArrayList<>(d.getAckedAbove());
    if (seq == d.getCursor() + 1) {
      long cursor = seq;
      while (above.remove(Long.valueOf(cursor + 1))) {
        cursor++;
      }
      d.setCursor(cursor);
    } else if (above.size() < MAX_ACKED_ABOVE) {
      int at = 0;
      while (at < above.size() && above.get(at) < seq) {
        at++;
      }
      above.add(at, seq);
    }
    d.setAckedAbove(above);
    return true;
  }

  /**
   * A cumulative ack: the device has every seq up to {@code upTo}.
   *
   * @return the seqs it had not acknowledged before, in order, at most the {@code newest} of them
   *     (each makes a receipt; {@link #unacked} counts them all)
   */
  static List<Long> ackUpTo(DeviceState d, long upTo, int newest) {
    List<Long> newly = new ArrayList<>();
    for (long seq = Math.max(d.getCursor() + 1, upTo - newest + 1); seq <= upTo; seq++) {
      if (!d.getAckedAbove().contains(seq)) {
        newly.add(seq);
      }
    }
    advanceCursor(d, upTo);
    return newly;
  }

  /**
   * How many seqs in {@code from..to} the device has not acked yet: what a cumulative ack over them
   * newly covers, counted without walking the range (a fresh device may ack millions at once).
   */
  static long unacked(DeviceState d, long from, long to) {
    from = Math.max(from, d.getCursor() + 1);
    if (to < from) {
      return 0;
    }
    long lo = from;
    long acked = d.getAckedAbove().stream().filter(s -> s >= lo && s <= to).count();
    return to - from + 1 - acked;
  }

  /** The device says it already holds everything up to {@code cursor}. */
  static void advanceCursor(DeviceState d, long cursor) {
    if (cursor <= d.getCursor()) {
      return;
    }
    d.setCursor(cursor);
    List<Long> above = new ArrayList<>(d.getAckedAbove());
    above.removeIf(s -> s <= cursor);
    long c = cursor;
    while (above.remove(Long.valueOf(c + 1))) {
      c++;
    }
    d.setCursor(c);
    d.setAckedAbove(above);
  }

  static void goOnline(DeviceState d, String gateway, long incarnation, String session, long now) {
    d.setOnline(true);
    d.setGateway(gateway);
    d.setIncarnation(incarnation);
    d.setSession(session);
    d.setLastActiveAt(now);
  }

  static void goOffline(DeviceState d, long now) {
    d.setOnline(false);
    d.setGateway(null);
    d.setSession(null);
    d.setIncarnation(0L);
    d.setLastActiveAt(now);
  }

  static boolean anyOnline(DeviceTable table) {
    return table.getDevices().stream().anyMatch(DeviceState::getOnline);
  }
}
