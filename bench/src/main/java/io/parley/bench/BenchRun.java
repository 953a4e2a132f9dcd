package io.parley.bench;

import io.parley.bench.baseline.BaselineResult;
import io.parley.bench.baseline.KafkaBaseline;
import io.parley.bench.idle.IdleConnections;
import io.parley.bench.idle.IdleResult;
import io.parley.bench.load.DirectPairs;
import io.parley.bench.load.LoadGenerator;
import io.parley.bench.load.StepResult;
import io.parley.bench.report.BenchResults;
import io.parley.bench.report.LatencyChart;
import io.parley.bench.report.Machine;
import io.parley.bench.report.Report;
import io.parley.bench.scenario.BenchFailure;
import io.parley.bench.scenario.RateSearch;
import io.parley.bench.stack.BenchSettings;
import io.parley.bench.stack.KafkaFootprint;
import io.parley.bench.stack.ParleyUnderTest;
import io.parley.config.ConfigSource;
import io.parley.devstack.EmbeddedKafka;
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
        if (scenario.exactlyOnce) {
          // throughput and latency measure whichever guarantee the settings name (exactly_once_v2 by default)
          String guarantee = scenario.atLeastOnce ? EXACTLY_ONCE : settings.string("topology.processing.guarantee", EXACTLY_ONCE);
          measureParley(bootstrap, guarantee, options.plan().latencyRate());
        }
        if (scenario.atLeastOnce) {
          measureParley(bootstrap, AT_LEAST_ONCE, eosLatency != null ? eosLatency.offeredRate() : options.plan().latencyRate());
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
        alos, alosLatency, idle, eosFootprint, alosFootprint, failure);
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
