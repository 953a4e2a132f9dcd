package io.parley.bench;

import io.parley.bench.baseline.BaselineResult;
import io.parley.bench.baseline.KafkaBaseline;
import io.parley.bench.idle.IdleConnections;
import io.parley.bench.idle.IdleResult;
import io.parley.bench.load.DirectPairs;
import io.parley.bench.load.GroupChats;
import io.parley.bench.load.LoadGenerator;
import io.parley.bench.load.StepResult;
import io.parley.bench.report.BenchResults;
import io.parley.bench.report.LatencyChart;
import io.parley.bench.report.Machine;
import io.parley.bench.report.Report;
import io.parley.bench.scenario.BenchFailure;
import io.parley.bench.scenario.GroupResult;
import io.parley.bench.scenario.HistoryResult;
import io.parley.bench.scenario.RateSearch;
import io.parley.bench.stack.BenchSettings;
import io.parley.bench.stack.KafkaFootprint;
import io.parley.bench.stack.ParleyUnderTest;
import io.parley.auth.TokenService;
import io.parley.config.ConfigSource;
import io.parley.topology.MailboxSettings;
import io.parley.devstack.CassandraService;
import io.parley.devstack.ConnectService;
import io.parley.devstack.EmbeddedKafka;
import io.parley.devstack.LocalService;
import io.parley.sinks.connect.ParleyConnectors;
import io.parley.sinks.connect.SinkMetrics;
import io.parley.sinks.local.ConnectMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One benchmark run: a fresh broker, Kafka's baseline on it, then each Parley scenario the run asks
 * for, each on its own Parley instance on that same broker, and the report.
 */
public final class BenchRun {
  private static final Logger log = LoggerFactory.getLogger(BenchRun.class);
  static final String EXACTLY_ONCE = "exactly_once_v2";
  static final String AT_LEAST_ONCE = "at_least_once";

  /**
   * @param settings Parley settings over the benchmark's defaults (file, environment, {@code --set})
   * @param workDir broker data, state and logs of this run; emptied first
   * @param report the page to write, or null for none
   * @param chart the PNG to write next to it, or null
   */
  public record Options(Scenario scenario, BenchPlan plan, Map<String, String> settings, Path workDir, Path report,
      Path chart, String command, String note, boolean skipBaseline) {}

  private final Options options;
  private final Path dataDir;
  private final Path logDir;
  private final String secret = newSecret();
  private final ConfigSource settings;
  private BaselineResult baseline;
  private RateSearch.Result eos;
  private StepResult eosLatency;
  private RateSearch.Result alos;
  private StepResult alosLatency;
  private IdleResult idle;
  private KafkaFootprint eosFootprint;
  private KafkaFootprint alosFootprint;
  private GroupResult groups;
  private HistoryResult history;

  private BenchRun(Options options) {
    this.options = options;
    this.dataDir = options.workDir().resolve("data");
    this.logDir = options.workDir().resolve("logs");
    this.settings = ConfigSource.of(BenchSettings.defaults()).with(options.settings());
  }

  /** Runs and reports; the results say whether anything was lost ({@link BenchResults#failure()}). */
  public static BenchResults run(Options options) throws Exception {
    return new BenchRun(options).run();
  }

  private BenchResults run() throws Exception {
    Instant started = Instant.now();
    Machine machine = Machine.describe();
    delete(dataDir);
    Files.createDirectories(logDir);
    Scenario scenario = options.scenario();
    String failure = null;
    try (EmbeddedKafka kafka = EmbeddedKafka.start(dataDir.resolve("kafka"), 0)) {
      String bootstrap = kafka.bootstrapServers();
      try {
        if (scenario.baseline && !options.skipBaseline()) {
          baseline = new KafkaBaseline(bootstrap, logDir).measure(options.plan().baselineRecords(), options.plan().latencyRecords());
          log.info("baseline: {}", baseline);
        }
        if (scenario.exactlyOnce || scenario.atLeastOnce || scenario.groups || scenario.history) {
          warmJvm(bootstrap);
        }
        if (scenario.exactlyOnce) {
          // throughput and latency measure whichever guarantee the settings name (exactly_once_v2 by default)
          String guarantee = scenario.atLeastOnce ? EXACTLY_ONCE : settings.string("topology.processing.guarantee", EXACTLY_ONCE);
          measureParley(bootstrap, guarantee, options.plan().latencyRate());
        }
        if (scenario.atLeastOnce) {
          measureParley(bootstrap, AT_LEAST_ONCE, eosLatency != null ? eosLatency.offeredRate() : options.plan().latencyRate());
        }
        if (scenario.groups) {
          measureGroups(bootstrap);
        }
        if (scenario.history) {
          measureHistory(bootstrap);
        }
        if (scenario.idle) {
          idle = IdleConnections.measure(bootstrap, secret, logDir, options.plan().idleLevels());
        }
      } catch (BenchFailure e) {
        failure = e.getMessage();
        log.error("BENCHMARK FAILED: {}", failure);
      }
    }
    BenchResults results = new BenchResults(options.command(), scenario.cliName(), started, Instant.now(), machine,
        Machine.currentLoadAverage(), options.note(), reportedSettings(), options.plan().summary(), baseline, eos, eosLatency,
        alos, alosLatency, idle, groups, history, eosFootprint, alosFootprint, failure);
    write(results);
    return results;
  }

  /** Scenario (a) then (b) — or only (b) at a given rate — on a fresh Parley with this guarantee. */
  private void measureParley(String bootstrap, String guarantee, double latencyRate) throws Exception {
    BenchPlan plan = options.plan();
    String name = guarantee.equals(EXACTLY_ONCE) ? "eos" : "alos";
    ConfigSource config = settings.with("topology.processing.guarantee", guarantee);
    try (ParleyUnderTest parley = ParleyUnderTest.start(bootstrap, secret, name, dataDir, config);
         LoadGenerator generator = LoadGenerator.connect(parley.webSocketUri(), parley.tokens(),
             new DirectPairs(plan.users(), "u"), plan.bodyBytes())) {
      requireIntact(guarantee + " warm-up", generator.prime(plan.drainTimeout()));
      settle(guarantee, generator, plan.search().startRate());
      RateSearch.Result search = null;
      double rate = latencyRate;
      if (options.scenario() != Scenario.LATENCY || rate <= 0) {
        search = RateSearch.run(guarantee, generator, plan.search());
        record(guarantee, search, null);
        rate = latencyRate > 0 ? latencyRate : search.maxRate() / 2;
        if (rate <= 0) {
          // No step passed (a busy machine, or a smoke run's seconds-long steps): still measure latency, lower.
          rate = search.steps().stream().mapToDouble(StepResult::offeredRate).min().orElse(plan.search().startRate()) / 2;
          log.warn("{}: no search step passed; latency run at {} msg/s", guarantee, Math.round(rate));
        }
      }
      if (rate > 0) {
        log.info("{}: latency run at {} msg/s", guarantee, Math.round(rate));
        StepResult latency = generator.run(rate, plan.search().warmup(), plan.latencyMeasure(), plan.drainTimeout());
        log.info("{}: p50 {} ms, p99 {} ms, p99.9 {} ms, cpu ms/msg {}", guarantee, latency.deliveryMs(50), latency.deliveryMs(99),
            latency.deliveryMs(99.9), latency.cpuMsByPart());
        record(guarantee, search, latency);
        requireIntact(guarantee + " latency run", latency);
      }
      KafkaFootprint footprint = new KafkaFootprint(guarantee, generator.sentTotal(), parley.offsetsWritten());
      log.info("{}: {} Kafka offsets per message {}", guarantee, footprint.perMessage(), footprint.offsets());
      if (guarantee.equals(EXACTLY_ONCE)) {
        eosFootprint = footprint;
      } else {
        alosFootprint = footprint;
      }
    } catch (BenchFailure e) {
      if (eos == null && guarantee.equals(EXACTLY_ONCE) || alos == null && guarantee.equals(AT_LEAST_ONCE)) {
        record(guarantee, new RateSearch.Result(guarantee, e.steps(), 0, plan.search().p99LimitMs()), null);
      }
      throw e;
    }
  }

  /**
   * Scenario (e): group messages to {@code groupMembers}-member groups, each delivered to every other
   * member, on a fresh instance; the search starts where the deliveries would equal (a)'s maximum.
   */
  private void measureGroups(String bootstrap) throws Exception {
    BenchPlan plan = options.plan();
    GroupChats workload = new GroupChats(plan.groups(), plan.groupMembers(), "m", "bench",
        settings.integer("groups.member.receipts.max", MailboxSettings.defaults().memberReceiptsMax()));
    String label = "groups of " + plan.groupMembers();
    RateSearch.Plan search = plan.groupSearchFrom(startNear(plan.search().startRate() / workload.deliveriesPerMessage(),
        workload.deliveriesPerMessage()));
    try (ParleyUnderTest parley = ParleyUnderTest.start(bootstrap, secret, "groups", dataDir, settings)) {
      parley.publishGroups(workload.memberships());
      try (LoadGenerator generator = LoadGenerator.connect(parley.webSocketUri(), parley.tokens(), workload, plan.bodyBytes())) {
        awaitMembership(generator, plan.drainTimeout());
        settle(label, generator, search.startRate());
        RateSearch.Result result = RateSearch.run(label, generator, search);
        groups = new GroupResult(plan.groups(), plan.groupMembers(), result);
        log.info("{}: max {} msg/s = {} deliveries/s", label, result.maxRate(), Math.round(groups.maxDeliveriesPerSecond()));
      }
    } catch (BenchFailure e) {
      if (groups == null) {
        groups = new GroupResult(plan.groups(), plan.groupMembers(), new RateSearch.Result(label, e.steps(), 0, plan.search().p99LimitMs()));
      }
      throw e;
    }
  }

  /**
   * The first full run measured exactly_once_v2 at 83 msg/s in (a), first in the JVM, and at 348 msg/s
   * with the same settings minutes later; JIT threads took 4.5 ms of CPU per message during (a) and
   * 0.8 ms later on. A throwaway instance carries load until the hot paths are compiled.
   */
  private void warmJvm(String bootstrap) throws Exception {
    BenchPlan plan = options.plan();
    if (plan.jvmWarmup().isZero()) {
      return;
    }
    Duration half = plan.jvmWarmup().dividedBy(2);
    double rate = plan.search().startRate();
    log.info("warming the JVM up for {} s", plan.jvmWarmup().toSeconds());
    try (ParleyUnderTest parley = ParleyUnderTest.start(bootstrap, secret, "warmup", dataDir, settings);
         LoadGenerator generator = LoadGenerator.connect(parley.webSocketUri(), parley.tokens(),
             new DirectPairs(plan.users(), "u"), plan.bodyBytes())) {
      requireIntact("JVM warm-up", generator.prime(plan.drainTimeout()));
      requireIntact("JVM warm-up", generator.run(RateSearch.roundRate(rate / 2), half, Duration.ZERO, plan.drainTimeout()));
      requireIntact("JVM warm-up", generator.run(rate, half, Duration.ZERO, plan.drainTimeout()));
    }
  }

  /** Unmeasured load at half the first search rate, so the first measured step does not meet a cold instance. */
  private void settle(String label, LoadGenerator generator, double startRate) throws InterruptedException {
    Duration settle = options.plan().settle();
    if (settle.isZero()) {
      return;
    }
    double rate = RateSearch.roundRate(startRate / 2);
    log.info("{}: settling at {} msg/s for {} s", label, rate, settle.toSeconds());
    requireIntact(label + " settling", generator.run(rate, settle, Duration.ZERO, options.plan().drainTimeout()));
  }

  /**
   * The first rate of a later search: a step below what (a) sustained, scaled to this workload's
   * deliveries per message, so the search spends its steps near the answer; {@code fallback} without (a).
   */
  private double startNear(double fallback, int deliveriesPerMessage) {
    if (eos == null || eos.maxRate() <= 0) {
      return fallback;
    }
    return RateSearch.roundRate(Math.max(0.05, eos.maxRate() / options.plan().search().growth() / deliveriesPerMessage));
  }

  /**
   * Membership reaches the topology asynchronously through the group-members topic: probe with one
   * message per group until none is refused {@code not_member}, i.e. every group's members are known.
   */
  private static void awaitMembership(LoadGenerator generator, Duration drainTimeout) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (true) {
      StepResult probe = generator.prime(drainTimeout);
      requireIntact("group membership probe", probe);
      if (probe.refused() == 0) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new BenchFailure("the topology refused group sends for 2 minutes: " + probe.errors(), List.of(probe));
      }
      log.info("the topology does not know every group yet ({}); probing again", probe.errors());
      Thread.sleep(500);
    }
  }

  /**
   * History on/off: one Cassandra node for both, then the same (a)-style search on an instance without
   * any sink and on one whose Connect worker runs the messages sink into that node.
   */
  private void measureHistory(String bootstrap) throws Exception {
    BenchPlan plan = options.plan();
    CassandraService cassandra = new CassandraService();
    ConfigSource base = settings.with("kafka.bootstrap.servers", bootstrap).with("auth.token.secret", secret);
    try {
      LocalService.Context context = new LocalService.Context(dataDir.resolve("history"), base, new PrometheusRegistry(),
          TokenService.fromSecret(secret, Duration.ofDays(1)));
      cassandra.prepare(context); // forks the node and waits for it
      cassandra.start(context);
      ConfigSource withCassandra = settings.with(cassandra.settings());
      RateSearch.Plan search = plan.searchFrom(startNear(plan.search().startRate(), 1));
      SinkRun off = null;
      try {
        off = historySearch(bootstrap, false, withCassandra, search);
        SinkRun on = historySearch(bootstrap, true, withCassandra, search);
        history = new HistoryResult(off.search(), on.search(), on.sent(), on.written(), on.retries(), on.catchUp());
        log.info("history: off {} msg/s, on {} msg/s; the sink wrote {} of {} messages", off.search().maxRate(),
            on.search().maxRate(), on.written(), on.sent());
      } catch (BenchFailure e) {
        RateSearch.Result failed = new RateSearch.Result(off == null ? "history sink off" : "history sink on", e.steps(), 0,
            plan.search().p99LimitMs());
        history = new HistoryResult(off == null ? failed : off.search(), off == null ? null : failed, 0, 0, 0, null);
        throw e;
      }
    } finally {
      cassandra.close();
    }
  }

  /** One history search; with the sink on, also how much the sink wrote and how long it took to catch up. */
  private record SinkRun(RateSearch.Result search, long sent, long written, long retries, Duration catchUp) {}

  private SinkRun historySearch(String bootstrap, boolean sinkOn, ConfigSource config, RateSearch.Plan search) throws Exception {
    BenchPlan plan = options.plan();
    String label = sinkOn ? "history sink on" : "history sink off";
    List<LocalService> services = sinkOn ? List.of(new ConnectService()) : List.of();
    try (ParleyUnderTest parley = ParleyUnderTest.start(bootstrap, secret, sinkOn ? "history-on" : "history-off", dataDir, config,
        services);
         LoadGenerator generator = LoadGenerator.connect(parley.webSocketUri(), parley.tokens(),
             new DirectPairs(plan.users(), "u"), plan.bodyBytes())) {
      requireIntact(label + " warm-up", generator.prime(plan.drainTimeout()));
      settle(label, generator, search.startRate());
      RateSearch.Result result = RateSearch.run(label, generator, search);
      long sent = generator.sentTotal();
      if (!sinkOn) {
        return new SinkRun(result, sent, 0, 0, Duration.ZERO);
      }
      long started = System.nanoTime();
      long written = awaitSink(sent, Duration.ofMinutes(1));
      Duration waited = written >= sent ? Duration.ofNanos(System.nanoTime() - started) : null;
      long retries = Math.round(new ConnectMetrics().total(ParleyConnectors.MESSAGES, SinkMetrics.RETRIES));
      return new SinkRun(result, sent, written, retries, waited);
    }
  }

  /** Waits up to {@code timeout} for the messages sink to have written {@code expected} records; returns how many it wrote. */
  private static long awaitSink(long expected, Duration timeout) throws InterruptedException {
    ConnectMetrics metrics = new ConnectMetrics();
    long deadline = System.nanoTime() + timeout.toNanos();
    long written = 0;
    while (System.nanoTime() < deadline) {
      written = Math.round(metrics.total(ParleyConnectors.MESSAGES, SinkMetrics.RECORDS_WRITTEN));
      if (written >= expected) {
        return written;
      }
      Thread.sleep(200);
    }
    log.warn("the messages sink wrote {} of {} messages within {}", written, expected, timeout);
    return written;
  }

  private void record(String guarantee, RateSearch.Result search, StepResult latency) {
    if (guarantee.equals(EXACTLY_ONCE)) {
      eos = search != null ? search : eos;
      eosLatency = latency;
    } else {
      alos = search != null ? search : alos;
      alosLatency = latency;
    }
  }

  private static void requireIntact(String what, StepResult step) {
    if (!step.intact()) {
      throw new BenchFailure(what + ": " + step.faults(), List.of(step));
    }
  }

  private Map<String, String> reportedSettings() {
    Map<String, String> shown = new LinkedHashMap<>(BenchSettings.defaults());
    shown.putAll(options.settings());
    shown.remove("auth.token.secret");
    if (options.scenario().idle) {
      shown.putAll(BenchSettings.idleGateway());
    }
    return shown;
  }

  private void write(BenchResults results) throws IOException {
    String chartName = null;
    if (options.chart() != null && eos != null) {
      LatencyChart.write(options.chart(), eos, alos);
      chartName = options.report() != null && options.report().toAbsolutePath().getParent() != null
          ? options.report().toAbsolutePath().getParent().relativize(options.chart().toAbsolutePath()).toString()
          : options.chart().toString();
    }
    if (options.report() != null) {
      Report.writeInto(options.report(), results, chartName);
      log.info("report written to {}", options.report());
    }
  }

  private static String newSecret() {
    byte[] random = new byte[32];
    new SecureRandom().nextBytes(random);
    return HexFormat.of().formatHex(random);
  }

  static void delete(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  static Duration seconds(double s) {
    return Duration.ofMillis(Math.round(s * 1000));
  }
}
