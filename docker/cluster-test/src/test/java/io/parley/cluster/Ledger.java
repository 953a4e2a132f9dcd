package io.parley.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What was written, what the server acknowledged ({@code sent}), and what each recipient got, by
 * the sender's client id. A message is lost when it was acknowledged and a recipient never got it;
 * duplicated when a recipient got the same (sender, id) under two seqs (the SDK already drops a
 * repeated seq, so what is left is a real second delivery).
 */
final class Ledger {
  record Written(String from, String id, Set<String> recipients) {}

  private final Map<String, Written> written = new ConcurrentHashMap<>();
  private final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
  /** recipient → "from/id" → times received */
  private final Map<String, Map<String, AtomicInteger>> received = new ConcurrentHashMap<>();

  void wrote(String from, String id, Set<String> recipients) {
    written.put(from + "/" + id, new Written(from, id, recipients));
  }

  void acknowledged(String from, String id) {
    acknowledged.add(from + "/" + id);
  }

  void received(String recipient, String from, String id) {
    received.computeIfAbsent(recipient, r -> new ConcurrentHashMap<>())
        .computeIfAbsent(from + "/" + id, k -> new AtomicInteger()).incrementAndGet();
  }

  int writtenCount() {
    return written.size();
  }

  int acknowledgedCount() {
    return acknowledged.size();
  }

  boolean allAcknowledged() {
    return acknowledged.containsAll(written.keySet());
  }

  /** Acknowledged messages some recipient has not got, as "recipient ← from/id". */
  List<String> missing() {
    List<String> out = new ArrayList<>();
    for (String key : acknowledged) {
      Written w = written.get(key);
      for (String r : w.recipients()) {
        if (!received.getOrDefault(r, Map.of()).containsKey(key)) {
          out.add(r + " <- " + key);
        }
      }
    }
    return out;
  }

  /** (recipient, message) pairs delivered more than once. */
  List<String> duplicates() {
    List<String> out = new ArrayList<>();
    received.forEach((r, byId) -> byId.forEach((key, n) -> {
      if (n.get() > 1) {
        out.add(r + " <- " + key + " x" + n.get());
      }
    }));
    return out;
  }

  /** Received messages nobody wrote in this run: the check would be counting the wrong thing. */
  List<String> unknown() {
    List<String> out = new ArrayList<>();
    received.forEach((r, byId) -> byId.keySet().forEach(key -> {
      if (!written.containsKey(key)) {
        out.add(r + " <- " + key);
      }
    }));
    return out;
  }

  Set<String> acknowledgedIds(String from, String to) {
    Set<String> out = new java.util.HashSet<>();
    for (String key : acknowledged) {
      Written w = written.get(key);
      if (w.from().equals(from) && w.recipients().equals(Set.of(to))) {
        out.add(w.id());
      }
    }
    return out;
  }
}
