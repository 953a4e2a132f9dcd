package io.parley.bench.report;

import io.parley.bench.baseline.BaselineResult;
import io.parley.bench.baseline.KafkaBaseline;
import io.parley.bench.idle.IdleResult;
import io.parley.bench.load.StepResult;
import io.parley.bench.scenario.GroupResult;
import io.parley.bench.scenario.HistoryResult;
import io.parley.bench.scenario.RateSearch;
import io.parley.bench.stack.KafkaFootprint;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * Writes a run as markdown into {@code docs/benchmarks.md}, between two marker lines, so the
 * hand-written parts of that page (tuning log, profiles, analysis) survive every run.
 */
public final class Report {
  public static final String BEGIN = "<!-- bench:begin (written by ./parley bench; edits inside are overwritten) -->";
  public static final String END = "<!-- bench:end -->";
  static final double P1_MIN = 0.25;
  static final double P2_MAX = 5;
  static final double P3_MAX_BYTES = 8 * 1024;
  static final int P3_SOCKETS = 100_000;
  static final double P4_MIN = 3;
  static final double P5_MIN = 0.8;

  private final StringBuilder md = new StringBuilder();

  private Report() {}

  /** Replaces the generated section of {@code file} (creating the file if needed). */
  public static void writeInto(Path file, BenchResults results, String chartName) throws IOException {
    String section = render(results, chartName);
    String page;
    if (Files.exists(file)) {
      String old = Files.readString(file, StandardCharsets.UTF_8);
      int begin = old.indexOf(BEGIN);
      int end = old.indexOf(END);
      page = begin >= 0 && end > begin
          ? old.substring(0, begin) + section + old.substring(end + END.length())
          : old.stripTrailing() + "\n\n" + section + "\n";
    } else {
      page = "# Parley benchmarks\n\n" + section + "\n";
    }
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.writeString(file, page, StandardCharsets.UTF_8);
  }

  public static String render(BenchResults r, String chartName) {
    Report report = new Report();
    report.all(r, chartName);
    return report.md.toString();
  }

  private void all(BenchResults r, String chartName) {
    line(BEGIN);
    line("## Latest run");
    line();
    line("Command: `" + r.command() + "`  ");
    line("Started " + DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(r.started().atOffset(ZoneOffset.UTC).withNano(0))
        + " UTC, took " + minutes(Duration.between(r.started(), r.finished())) + ".");
    if (r.note() != null && !r.note().isBlank()) {
      line();
      line("> " + r.note());
    }
    if (r.failure() != null) {
      line();
      line("**FAILED: " + r.failure() + "**");
    }
    machine(r);
    targets(r);
    baseline(r.baseline());
    if (r.eos() != null) {
      search(r.eos(), "1:1 throughput search, " + r.eos().label() + " (scenario a)");
    }
    if (r.eos() != null && chartName != null) {
      line();
      line("![latency percentiles over offered rate](" + chartName + ")");
    }
    latency(r);
    if (r.alos() != null) {
      search(r.alos(), "1:1 throughput search, " + r.alos().label() + " (scenario d)");
    }
    groups(r.groups());
    history(r.history());
    footprint(r);
    idle(r.idle());
    line();
    line(END);
  }

  private void machine(BenchResults r) {
    Machine m = r.machine();
    heading("Machine and settings");
    line("| what | value |");
    line("|---|---|");
    row("cores / CPU", m.cores() + " × " + m.cpu());
    row("memory", gib(m.memoryBytes()));
    row("OS", m.os());
    row("Java", m.java());
    row("Kafka / Jetty", m.kafka() + " / " + m.jetty());
    row("load average at start / end (1, 5, 15 min)", m.loadAverage() + " / " + r.loadAverageAtEnd());
    row("placement", "one KRaft broker, the topology and the gateway in the benchmark's JVM, with the load generator; "
        + "Kafka's tools and the idle-connection gateway in their own JVMs");
    r.planSummary().forEach(this::row);
    line();
    line("Parley settings changed for the benchmark (everything else as shipped; see `docs/architecture.md`):");
    line();
    line("| setting | value |");
    line("|---|---|");
    r.settings().forEach((k, v) -> row("`" + k + "`", "`" + v + "`"));
  }

  private void targets(BenchResults r) {
    heading("Targets");
    line("| | target | measured | ratio | verdict |");
    line("|---|---|---|---|---|");
    BaselineResult b = r.baseline();
    if (r.eos() != null && b != null) {
      double ratio = r.eos().maxRate() / b.produceConsumeRate();
      row("P1", "1:1 msgs/s ≥ 25% of Kafka produce+consume",
          rate(r.eos().maxRate()) + " msg/s vs " + rate(b.produceConsumeRate()) + " rec/s", pct(ratio), atLeast(ratio, P1_MIN));
    } else {
      row("P1", "1:1 msgs/s ≥ 25% of Kafka produce+consume", "not run", "", "");
    }
    if (r.eosLatency() != null && b != null) {
      double p99 = r.eosLatency().deliveryMs(99);
      double ratio = p99 / b.e2eP99ForRatio();
      row("P2", "p99 at 50% of max rate ≤ 5× Kafka e2e p99",
          ms(p99) + " ms at " + rate(r.eosLatency().offeredRate()) + "/s vs " + b.e2eP99Ms() + " ms", times(ratio), atMost(ratio, P2_MAX));
    } else {
      row("P2", "p99 at 50% of max rate ≤ 5× Kafka e2e p99", "not run", "", "");
    }
    IdleResult.Level largest = r.idle() == null ? null : r.idle().largest();
    if (largest != null) {
      double perSocket = largest.totalPerSocket();
      String where = largest.connections() >= P3_SOCKETS ? "" : " (at " + count(largest.connections()) + " sockets; 100k not reachable here, see below)";
      row("P3", "≤ 8 KB gateway memory per idle socket at 100k", kb(perSocket) + " KB" + where,
          times(perSocket / P3_MAX_BYTES) + " of the limit", atMost(perSocket / P3_MAX_BYTES, 1)
              + (largest.connections() >= P3_SOCKETS ? "" : " (at the level reached)"));
    } else {
      row("P3", "≤ 8 KB gateway memory per idle socket at 100k", "not run", "", "");
    }
    GroupResult g = r.groups();
    if (g != null && r.eos() != null) {
      double ratio = g.maxDeliveriesPerSecond() / Math.max(1, r.eos().maxRate());
      row("P4", "100-member fan-out deliveries/s ≥ 3× 1:1 msgs/s", rate(g.maxDeliveriesPerSecond()) + " deliveries/s ("
          + decimal(g.search().maxRate()) + " msg/s to " + g.members() + "-member groups) vs " + rate(r.eos().maxRate()) + " msg/s",
          times(ratio), atLeast(ratio, P4_MIN) + (g.members() == 100 ? "" : " (" + g.members() + "-member groups)"));
    } else {
      row("P4", "100-member fan-out deliveries/s ≥ 3× 1:1 msgs/s", "not run", "", "");
    }
    if (r.eos() != null && r.alos() != null) {
      double ratio = r.eos().maxRate() / Math.max(1, r.alos().maxRate());
      String p99 = r.eosLatency() != null && r.alosLatency() != null
          ? "; p99 at " + rate(r.eosLatency().offeredRate()) + "/s: " + ms(r.eosLatency().deliveryMs(99)) + " vs "
              + ms(r.alosLatency().deliveryMs(99)) + " ms"
          : "";
      row("P5", "exactly_once_v2 ≥ 0.8× at_least_once", rate(r.eos().maxRate()) + " vs " + rate(r.alos().maxRate()) + " msg/s" + p99,
          String.format(Locale.ROOT, "%.2f×", ratio), atLeast(ratio, P5_MIN));
    } else {
      row("P5", "exactly_once_v2 ≥ 0.8× at_least_once", "not run", "", "");
    }
    HistoryResult h = r.history();
    if (h != null && h.on() != null) {
      row("history", "(no target) 1:1 msgs/s with the Cassandra history sink, over without",
          rate(h.on().maxRate()) + " vs " + rate(h.off().maxRate()) + " msg/s", String.format(Locale.ROOT, "%.2f×", h.ratio()), "—");
    }
  }

  private void baseline(BaselineResult b) {
    if (b == null) {
      return;
    }
    heading("Kafka baseline (same broker, same run)");
    line("Kafka's own tools (`org.apache.kafka.tools`), each in its own JVM: " + count(b.records()) + " records of "
        + KafkaBaseline.RECORD_BYTES + " bytes, " + KafkaBaseline.PARTITIONS + " partitions, producer `"
        + String.join(" ", KafkaBaseline.PRODUCER_PROPS) + "`.");
    line();
    line("| measure | value |");
    line("|---|---|");
    row("ProducerPerformance alone", rate(b.producerRate()) + " rec/s");
    row("ConsumerPerformance alone (fetch rate)", rate(b.consumerRate()) + " rec/s");
    row("**produce + consume together** (producer rate with a consumer reading alongside)", "**" + rate(b.produceConsumeRate()) + " rec/s**");
    row("EndToEndLatency, acks=all, " + count(b.latencyRecords()) + " records one at a time",
        "avg " + ms(b.e2eAvgMs()) + " ms, p50 " + b.e2eP50Ms() + " ms, **p99 " + b.e2eP99Ms() + " ms**, p99.9 " + b.e2eP999Ms()
            + " ms (whole ms, rounded down)");
  }

  private void search(RateSearch.Result s, String title) {
    heading(title);
    line("Open-loop steps; latency is sender-to-recipient from each message's intended send time (coordinated omission "
        + "corrected), over the messages intended in the measurement window. A step passes with p99 ≤ "
        + Math.round(s.p99LimitMs()) + " ms, ≥ " + Math.round(RateSearch.keepUp() * 100) + "% of the offered rate delivered, "
        + "and no refused message. **Max sustained: " + rate(s.maxRate()) + " msg/s.**");
    line();
    stepHeader();
    for (StepResult step : s.steps()) {
      stepRow(step, s.passed(step) ? "pass" : "fail");
    }
  }

  private void latency(BenchResults r) {
    if (r.eosLatency() == null) {
      return;
    }
    heading("1:1 latency at 50% of the maximum rate (scenario b)");
    stepHeader();
    stepRow(r.eosLatency(), "exactly_once_v2");
    if (r.alosLatency() != null) {
      stepRow(r.alosLatency(), "at_least_once");
    }
    line();
    line("Where the CPU went (this JVM's CPU ms per delivered message, by thread; the whole machine has "
        + r.machine().cores() + " × 1,000 ms per second):");
    line();
    line("| part | exactly_once_v2 |" + (r.alosLatency() != null ? " at_least_once |" : ""));
    line("|---|---|" + (r.alosLatency() != null ? "---|" : ""));
    for (String part : r.eosLatency().cpuMsByPart().keySet()) {
      Double alos = r.alosLatency() != null ? r.alosLatency().cpuMsByPart().get(part) : null;
      line("| " + part + " | " + cpu(r.eosLatency().cpuMsByPart().get(part)) + " |"
          + (r.alosLatency() != null ? " " + cpu(alos) + " |" : ""));
    }
  }

  static String cpu(Double ms) {
    return ms == null || ms.isNaN() ? "–" : String.format(Locale.ROOT, "%.2f", ms);
  }

  private void stepHeader() {
    line("| offered/s | delivered/s | p50 | p90 | p99 | p99.9 | max | `sent` p99 | receipt p99 | CPU ms/msg | messages | errors | lost · dup · reordered | drain | |");
    line("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
  }

  private void stepRow(StepResult s, String verdict) {
    row(decimal(s.offeredRate()), rate(s.deliveredPerSecond()), ms(s.deliveryMs(50)), ms(s.deliveryMs(90)), ms(s.deliveryMs(99)),
        ms(s.deliveryMs(99.9)), ms(s.deliveryMs(100)), ms(s.storedMs(99)), ms(s.receiptMs(99)), cpu(s.cpuMsPerMessage()), count(s.sent()),
        s.errorCount() == 0 ? "0" : s.errors().toString(),
        (s.lost() + s.unanswered()) + " · " + s.duplicated() + " · " + s.orderViolations(),
        String.format(Locale.ROOT, "%.1f s", s.drainMillis() / 1000.0), verdict);
  }

  private void groups(GroupResult g) {
    if (g == null) {
      return;
    }
    heading("Group fan-out search, " + g.groups() + " group(s) of " + g.members() + " members (scenario e)");
    line("The same open-loop search, in group messages per second; every member sends in turn to its own group. Each message "
        + "must reach the other " + g.deliveriesPerMessage() + " members, each of which acks it; its sender gets a receipt "
        + "per member in a group of up to `groups.member.receipts.max` (32) members, and one for the whole group once every "
        + "member has it in a larger one. Here **delivered/s counts deliveries** (a step passes with ≥ "
        + Math.round(RateSearch.keepUp() * 100) + "% of offered × " + g.deliveriesPerMessage() + "), latency is per delivery, "
        + "`receipt` p99 is each message's first receipt, CPU is per delivery. A step passes with p99 ≤ "
        + Math.round(g.search().p99LimitMs()) + " ms. **Max sustained: " + decimal(g.search().maxRate()) + " msg/s = "
        + rate(g.maxDeliveriesPerSecond()) + " deliveries/s.**");
    line();
    stepHeader();
    for (StepResult step : g.search().steps()) {
      stepRow(step, g.search().passed(step) ? "pass" : "fail");
    }
  }

  private void history(HistoryResult h) {
    if (h == null) {
      return;
    }
    heading("1:1 throughput with and without the Cassandra history sink");
    line("Two fresh instances on the same broker and one forked Cassandra 5 node (up for both): the first runs no sink, "
        + "the second an in-process standalone Connect worker with Parley's messages (and last-seen) sink writing every "
        + "stored message to Cassandra, as `./parley up` runs them. Same (a)-style search, exactly_once_v2.");
    line();
    line("| | sink off | sink on | on / off |");
    line("|---|---|---|---|");
    row("max sustained 1:1 msg/s", rate(h.off().maxRate()), h.on() == null ? "not run" : rate(h.on().maxRate()),
        h.on() == null ? "" : String.format(Locale.ROOT, "%.2f×", h.ratio()));
    if (h.on() != null) {
      String caughtUp = h.catchUp() == null ? "had not caught up a minute after the last step"
          : "caught up " + String.format(Locale.ROOT, "%.1f s", h.catchUp().toMillis() / 1000.0) + " after the last step";
      line();
      line("The sink wrote " + count(h.recordsWritten()) + " of the " + count(h.messagesSent()) + " messages the \"on\" "
          + "instance stored (warm-up included; " + count(h.retries()) + " write retries) and " + caughtUp + ".");
    }
    search(h.off(), "History sink off");
    if (h.on() != null) {
      search(h.on(), "History sink on");
    }
  }

  private void footprint(BenchResults r) {
    KafkaFootprint eosF = r.eosFootprint();
    KafkaFootprint alosF = r.alosFootprint();
    KafkaFootprint any = eosF != null ? eosF : alosF;
    if (any == null) {
      return;
    }
    heading("Kafka offsets written per 1:1 message");
    line("Every record and transaction marker each Parley instance put on the broker, over every message it carried "
        + "(warm-up included), against the baseline's one record per message.");
    line();
    line("| topic |" + (eosF != null ? " exactly_once_v2 |" : "") + (alosF != null ? " at_least_once |" : ""));
    line("|---|" + (eosF != null ? "---|" : "") + (alosF != null ? "---|" : ""));
    java.util.Set<String> topics = new java.util.TreeSet<>(any.offsets().keySet());
    if (eosF != null && alosF != null) {
      topics.addAll(alosF.offsets().keySet());
    }
    for (String topic : topics) {
      line("| " + topic + " |" + (eosF != null ? " " + cpu(eosF.perMessage(topic)) + " |" : "")
          + (alosF != null ? " " + cpu(alosF.perMessage(topic)) + " |" : ""));
    }
    line("| **total** |" + (eosF != null ? " **" + cpu(eosF.perMessage()) + "** |" : "")
        + (alosF != null ? " **" + cpu(alosF.perMessage()) + "** |" : ""));
  }

  private void idleRow(String asked, IdleResult.Level l) {
    row(asked, count(l.connections()), mib(l.heapBytes()), mib(l.rssBytes()), kb(l.heapPerSocket()) + " KB",
        kb(l.offHeapPerSocket()) + " KB", "**" + kb(l.totalPerSocket()) + " KB**");
  }

  private void idle(IdleResult idle) {
    if (idle == null) {
      return;
    }
    heading("Idle WebSockets: gateway memory (scenario c)");
    line("One gateway (`GatewayMain`) in its own JVM (`" + String.join(" ", idle.gatewayJvm()) + "`), sockets opened from "
        + "127.0.0.1, .2, … (" + count(io.parley.bench.idle.IdleConnections.PER_SOURCE_ADDRESS) + " per address) and left idle. "
        + "Heap is measured after two full GCs (`jcmd GC.run`); the heap is fixed and pre-touched, so resident-set growth is "
        + "memory outside the heap. At rest: heap " + mib(idle.heapBaseBytes()) + ", RSS " + mib(idle.rssBaseBytes()) + ".");
    line();
    line("| sockets asked | sockets held | heap after GC | RSS | heap / socket | off-heap / socket | total / socket |");
    line("|---|---|---|---|---|---|---|");
    for (IdleResult.Level l : idle.levels()) {
      if (l.reached()) {
        idleRow(count(l.requested()), l);
      } else {
        row(count(l.requested()), "not reached", "", "", "", "", "");
      }
    }
    IdleResult.Level bare = idle.bareJetty();
    if (bare != null) {
      idleRow("bare Jetty: " + count(bare.requested()), bare);
    }
    if (!idle.limit().isEmpty()) {
      line();
      line("Not reached: " + idle.limit() + ".");
    }
    IdleResult.Level largest = idle.largest();
    if (bare != null && largest != null) {
      line();
      line("The last row holds as many sockets in a bare Jetty 12 WebSocket server (`BareWebSocketServer`: the gateway's "
          + "connector, thread pool, upgrade handler and limits, a listener that keeps nothing) in the same JVM options: "
          + "Jetty's floor. Of the gateway's " + kb(largest.heapPerSocket()) + " KB of heap per socket, "
          + kb(bare.heapPerSocket()) + " KB is Jetty's and " + kb(largest.heapPerSocket() - bare.heapPerSocket())
          + " KB Parley's (its socket listener, session, principal and the connection map). Off-heap growth is read "
          + "from the resident set and moves by a KB or more between runs; compare it across rows with care.");
    }
    if (!idle.heapBySocket().isEmpty()) {
      line();
      line("Where a socket's heap goes: the classes whose live instances grew most from rest to the largest level "
          + "(`jcmd GC.class_histogram` at both), divided by the sockets held.");
      line();
      line("| class | instances / socket | bytes / socket |");
      line("|---|---|---|");
      for (var g : idle.heapBySocket()) {
        row("`" + g.className() + "`", String.format(java.util.Locale.ROOT, "%.2f", g.instancesPerSocket()),
            count(Math.round(g.bytesPerSocket())));
      }
    }
  }

  // --- formatting ---

  private static String atLeast(double ratio, double min) {
    if (ratio <= 0) {
      return "**missed** (no step passed)";
    }
    return ratio >= min
        ? "**met** (" + String.format(Locale.ROOT, "%.1f×", ratio / min) + " the target)"
        : "**missed** (needs " + String.format(Locale.ROOT, "%.1f×", min / Math.max(ratio, 1e-9)) + ")";
  }

  private static String atMost(double ratio, double max) {
    return ratio <= max
        ? "**met** (" + String.format(Locale.ROOT, "%.0f%%", ratio / max * 100) + " of the limit)"
        : "**missed** (" + String.format(Locale.ROOT, "%.1f×", ratio / max) + " over)";
  }

  static String rate(double r) {
    return r >= 1000 ? String.format(Locale.ROOT, "%,.0f", r) : String.format(Locale.ROOT, "%.0f", r);
  }

  static String ms(double v) {
    if (Double.isNaN(v)) {
      return "–";
    }
    return v >= 100 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.1f", v);
  }

  /** Whole numbers from 10 up, two decimals below (group message rates are small). */
  static String decimal(double r) {
    return r >= 10 ? rate(r) : String.format(Locale.ROOT, "%.2f", r);
  }

  private static String pct(double ratio) {
    return String.format(Locale.ROOT, "%.1f%%", ratio * 100);
  }

  private static String times(double ratio) {
    return String.format(Locale.ROOT, "%.1f×", ratio);
  }

  private static String count(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }

  private static String kb(double bytes) {
    return String.format(Locale.ROOT, "%.1f", bytes / 1024);
  }

  private static String mib(long bytes) {
    return String.format(Locale.ROOT, "%,d MiB", bytes >> 20);
  }

  private static String gib(long bytes) {
    return String.format(Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30));
  }

  private static String minutes(Duration d) {
    return String.format(Locale.ROOT, "%d min %02d s", d.toMinutes(), d.toSecondsPart());
  }

  private void heading(String title) {
    line();
    line("### " + title);
    line();
  }

  private void row(String... cells) {
    line("| " + String.join(" | ", cells) + " |");
  }

  private void line(String s) {
    md.append(s).append('\n');
  }

  private void line() {
    md.append('\n');
  }
}
