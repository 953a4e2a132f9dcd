package io.parley.devstack;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What was sent, and what every device got: the delivery claims of a crash test, checked over the
 * raw frames. Each claim that fails is a violation with enough detail (device, seq, id) to find the
 * records on the topics. A user may have several devices; each is held to every claim on its own.
 *
 * <ul>
 *   <li>every message the server acknowledged with {@code sent} reached every device of every
 *       recipient;
 *   <li>a message id comes under one seq only, and a seq carries one deliverable only, on every
 *       device of the user (a raw repeat of the same seq with the same content is allowed and counted);
 *   <li>a device's seqs follow one sender's send order, per conversation;
 *   <li>each recipient's {@code delivered} receipt reached every device of the sender, under one seq only;
 *   <li>each device's seqs are 1..n without a gap.
 * </ul>
 */
final class CrashLedger {
  /** One message as sent: {@code index} is its place in its sender's sends to {@code to}. */
  record Sent(String id, String from, String to, boolean group, List<String> recipients, int index) {}

  /** Every device, in the order added. */
  private final List<RecordingClient> clients = new ArrayList<>();
  /** user -> that user's devices */
  private final Map<String, List<RecordingClient>> devicesOf = new LinkedHashMap<>();
  private final List<Sent> sends = Collections.synchronizedList(new ArrayList<>());

  void add(RecordingClient client) {
    clients.add(client);
    devicesOf.computeIfAbsent(client.user, u -> new ArrayList<>()).add(client);
  }

  Set<String> users() {
    return Set.copyOf(devicesOf.keySet());
  }

  private List<RecordingClient> devices(String user) {
    return devicesOf.getOrDefault(user, List.of());
  }

  private final Map<String, Long> sentAt = new java.util.concurrent.ConcurrentHashMap<>();

  void sent(Sent s) {
    sentAt.put(s.id(), System.nanoTime());
    sends.add(s);
  }

  /**
   * The longest any acknowledged message took from its send to its first arrival at a recipient,
   * in milliseconds: the longest delivery gap a user saw.
   */
  long longestDeliveryMillis() {
    long longest = 0;
    for (Sent s : acknowledgedSends()) {
      Long sent = sentAt.get(s.id());
      for (String r : s.recipients()) {
        for (RecordingClient c : devices(r)) {
          Long arrived = c.firstArrival(s.id());
          if (sent != null && arrived != null) {
            longest = Math.max(longest, (arrived - sent) / 1_000_000);
          }
        }
      }
    }
    return longest;
  }

  /** Ids the server acknowledged with {@code sent}, per sender. */
  private Set<String> acknowledged() {
    Set<String> ids = new HashSet<>();
    for (RecordingClient c : clients) {
      for (JsonNode f : c.frames("sent")) {
        ids.add(f.get("id").asText());
      }
    }
    return ids;
  }

  /** Sends the server has answered neither with {@code sent} nor with an error naming them (yet). */
  int unanswered() {
    Set<String> answered = acknowledged();
    for (RecordingClient c : clients) {
      for (JsonNode f : c.frames("error")) {
        answered.add(f.path("ref").asText());
      }
    }
    return (int) sends().stream().filter(s -> !answered.contains(s.id())).count();
  }

  /** The sends the server acknowledged with {@code sent}, in the order they were sent. */
  List<Sent> acknowledgedSends() {
    Set<String> acknowledged = acknowledged();
    return sends().stream().filter(s -> acknowledged.contains(s.id())).toList();
  }

  private List<Sent> sends() {
    synchronized (sends) {
      return List.copyOf(sends);
    }
  }

  /** Distinct messages (recipient, id) delivered so far, to see traffic flowing again after a restart. */
  int delivered() {
    int n = 0;
    for (RecordingClient c : clients) {
      Set<String> ids = new HashSet<>();
      c.frames("message").forEach(f -> ids.add(f.get("id").asText()));
      n += ids.size();
    }
    return n;
  }

  /** How many messages were sent so far. */
  int sentCount() {
    return sends.size();
  }

  /** Deliveries and receipts of acknowledged messages still missing. */
  int outstanding() {
    return outstanding(Integer.MAX_VALUE);
  }

  /** Deliveries and receipts still missing of the acknowledged messages among the first {@code firstSends}. */
  int outstanding(int firstSends) {
    Set<String> acked = acknowledged();
    Map<String, Set<String>> messagesAt = new HashMap<>();
    Map<String, Set<String>> receiptsAt = new HashMap<>();
    for (RecordingClient c : clients) {
      Set<String> m = new HashSet<>();
      Set<String> r = new HashSet<>();
      for (JsonNode f : c.frames()) {
        switch (f.path("type").asText()) {
          case "message" -> m.add(f.get("id").asText());
          case "receipt" -> {
            if (f.get("status").asText().equals("delivered")) {
              r.add(f.get("id").asText() + "|" + f.get("by").asText());
            }
          }
          default -> { }
        }
      }
      messagesAt.put(c.label(), m);
      receiptsAt.put(c.label(), r);
    }
    int missing = 0;
    List<Sent> all = sends();
    for (Sent s : all.subList(0, Math.min(firstSends, all.size()))) {
      if (!acked.contains(s.id())) {
        continue;
      }
      for (String to : s.recipients()) {
        for (RecordingClient d : devices(to)) {
          if (!messagesAt.get(d.label()).contains(s.id())) {
            missing++;
          }
        }
        for (RecordingClient d : devices(s.from())) {
          if (!receiptsAt.get(d.label()).contains(s.id() + "|" + to)) {
            missing++;
          }
        }
      }
    }
    return missing;
  }

  /** A device's highest contiguous seq, for a sync. */
  long contiguous(RecordingClient device) {
    TreeSet<Long> seqs = new TreeSet<>();
    for (JsonNode f : device.frames()) {
      if (f.has("seq") && f.get("seq").asLong() > 0) {
        seqs.add(f.get("seq").asLong());
      }
    }
    long n = 0;
    while (seqs.contains(n + 1)) {
      n++;
    }
    return n;
  }

  Report check() {
    Report r = new Report();
    Set<String> acked = acknowledged();
    List<Sent> all = sends();
    Map<String, Sent> byId = new HashMap<>();
    all.forEach(s -> byId.put(s.id(), s));
    r.attempted = all.size();
    r.acknowledged = (int) all.stream().filter(s -> acked.contains(s.id())).count();
    for (RecordingClient c : clients) {
      r.failedWrites += c.failedWrites();
      for (JsonNode f : c.frames("error")) {
        r.errors.merge(f.path("code").asText(), 1, Integer::sum);
      }
    }

    // device -> seq -> every content that seq came with; device -> message id -> seqs; sender's device -> id|by -> receipt seqs
    Map<String, Map<Long, List<String>>> contents = new HashMap<>();
    Map<String, Map<Long, Set<String>>> userContents = new HashMap<>(); // user -> seq -> contents on any of its devices
    Map<String, Map<String, Set<Long>>> messageSeqs = new HashMap<>();
    Map<String, Map<String, Set<Long>>> receiptSeqs = new HashMap<>();
    for (RecordingClient c : clients) {
      Map<Long, List<String>> bySeq = new TreeMap<>();
      Map<String, Set<Long>> mSeqs = new HashMap<>();
      Map<String, Set<Long>> rSeqs = new HashMap<>();
      for (JsonNode f : c.frames()) {
        String type = f.path("type").asText();
        if (!type.equals("message") && !type.equals("receipt")) {
          continue;
        }
        long seq = f.get("seq").asLong();
        String id = f.get("id").asText();
        String content;
        if (type.equals("message")) {
          r.rawMessages++;
          content = "message " + id + " from " + f.get("from").asText();
          mSeqs.computeIfAbsent(id, k -> new TreeSet<>()).add(seq);
          Sent s = byId.get(id);
          if (s == null || !s.recipients().contains(c.user) || !s.from().equals(f.get("from").asText())) {
            r.violation("unexpected", c.label() + " got seq " + seq + ": " + content + ", which was not sent to them");
          }
        } else {
          r.rawReceipts++;
          String status = f.get("status").asText();
          content = "receipt " + status + " of " + id + " by " + f.get("by").asText();
          rSeqs.computeIfAbsent(id + "|" + f.get("by").asText() + "|" + status, k -> new TreeSet<>()).add(seq);
        }
        List<String> seen = bySeq.computeIfAbsent(seq, k -> new ArrayList<>());
        if (!seen.isEmpty()) {
          r.rawDuplicates++;
          if (type.equals("message")) {
            r.rawMessageRepeats++;
          }
        }
        seen.add(content);
        userContents.computeIfAbsent(c.user, u -> new TreeMap<>()).computeIfAbsent(seq, k -> new TreeSet<>()).add(content);
      }
      contents.put(c.label(), bySeq);
      messageSeqs.put(c.label(), mSeqs);
      receiptSeqs.put(c.label(), rSeqs);
    }

    // A seq carries one deliverable, on every device of the user; a device's seqs have no gap.
    userContents.forEach((user, bySeq) -> bySeq.forEach((seq, seen) -> {
      if (seen.size() > 1) {
        r.violation("seq with two contents", user + " seq " + seq + " came as " + seen);
      }
    }));
    contents.forEach((user, bySeq) -> {
      bySeq.forEach((seq, seen) -> {
        if (seen.size() > 1) {
          r.seqsRepeated++;
        }
      });
      long expected = 1;
      for (long seq : bySeq.keySet()) {
        if (seq != expected) {
          r.violation("gap", user + " never got seqs " + expected + ".." + (seq - 1) + " (got " + seq + ")");
        }
        expected = seq + 1;
      }
      r.highestSeq.put(user, bySeq.isEmpty() ? 0 : ((TreeMap<Long, List<String>>) bySeq).lastKey());
    });

    // A message id under one seq only.
    messageSeqs.forEach((user, ids) -> ids.forEach((id, seqs) -> {
      if (seqs.size() > 1) {
        r.violation("id under two seqs", user + " got message " + id + " under seqs " + seqs);
      }
    }));
    receiptSeqs.forEach((user, keys) -> keys.forEach((key, seqs) -> {
      if (seqs.size() > 1) {
        r.violation("receipt under two seqs", user + " got receipt " + key + " under seqs " + seqs);
      }
    }));

    // Every acknowledged message reached every device of every recipient, in its sender's order, and
    // its receipt came back to every device of the sender.
    Map<String, Long> lastSeqOf = new HashMap<>(); // sender|conversation|recipient device -> seq of the previous message
    Map<String, String> lastIdOf = new HashMap<>();
    for (Sent s : all) {
      boolean isAcked = acked.contains(s.id());
      for (String to : s.recipients()) {
        for (RecordingClient device : devices(to)) {
          Set<Long> seqs = messageSeqs.get(device.label()).getOrDefault(s.id(), Set.of());
          if (!isAcked) {
            if (!seqs.isEmpty()) {
              r.deliveredUnacknowledged++;
            }
            continue;
          }
          r.expectedDeliveries++;
          if (seqs.isEmpty()) {
            r.violation("lost", s.id() + " from " + s.from() + " never reached " + device.label());
            continue;
          }
          r.delivered++;
          long seq = Collections.min(seqs);
          String stream = s.from() + "|" + s.to() + "|" + device.label();
          Long previous = lastSeqOf.get(stream);
          if (previous != null && seq <= previous) {
            r.violation("order", device.label() + " got " + s.id() + " (send #" + s.index() + " of " + s.from() + ") at seq "
                + seq + ", before the earlier " + lastIdOf.get(stream) + " at seq " + previous);
          }
          lastSeqOf.put(stream, seq);
          lastIdOf.put(stream, s.id());
        }
        if (!isAcked) {
          continue;
        }
        for (RecordingClient device : devices(s.from())) {
          r.expectedReceipts++;
          Set<Long> receipt = receiptSeqs.get(device.label()).getOrDefault(s.id() + "|" + to + "|delivered", Set.of());
          if (receipt.isEmpty()) {
            r.violation("lost receipt", device.label() + " never got the delivered receipt of " + s.id() + " by " + to);
          } else {
            r.receipts++;
          }
        }
      }
    }
    return r;
  }

  /** The numbers of one run and what went wrong in it. */
  static final class Report {
    int attempted;
    int acknowledged;
    int failedWrites;
    final Map<String, Integer> errors = new TreeMap<>();
    int expectedDeliveries;
    int delivered;
    int deliveredUnacknowledged;
    int rawMessages;
    int rawReceipts;
    int rawDuplicates;
    int rawMessageRepeats;
    int seqsRepeated;
    int expectedReceipts;
    int receipts;
    final Map<String, Long> highestSeq = new TreeMap<>();
    final Map<String, List<String>> violations = new LinkedHashMap<>();
    final Map<String, Integer> violationCounts = new LinkedHashMap<>();

    void violation(String kind, String detail) {
      violationCounts.merge(kind, 1, Integer::sum);
      List<String> list = violations.computeIfAbsent(kind, k -> new ArrayList<>());
      if (list.size() < 25) {
        list.add(detail);
      }
    }

    boolean clean() {
      return violationCounts.isEmpty();
    }

    String numbers() {
      return String.format(
          "sent %d, acknowledged %d, refused %s, failed writes %d; deliveries expected %d, delivered %d (+%d unacknowledged);"
              + " raw frames: %d messages, %d receipts, %d repeats of a seq already seen (%d messages, %d receipts; %d seqs repeated);"
              + " delivered receipts expected %d, received %d; highest seq per device %s",
          attempted, acknowledged, errors, failedWrites, expectedDeliveries, delivered, deliveredUnacknowledged,
          rawMessages, rawReceipts, rawDuplicates, rawMessageRepeats, rawDuplicates - rawMessageRepeats, seqsRepeated,
          expectedReceipts, receipts, highestSeq);
    }

    String violationsText() {
      StringBuilder out = new StringBuilder();
      violations.forEach((kind, list) -> {
        out.append(kind).append(": ").append(violationCounts.get(kind)).append('\n');
        list.forEach(d -> out.append("  ").append(d).append('\n'));
      });
      return out.toString();
    }
  }
}
