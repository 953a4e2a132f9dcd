package io.parley.bench;

import io.parley.bench.idle.StackIdle;
import io.parley.bench.report.BenchResults;
import io.parley.bench.scenario.RateSearch;
import io.parley.config.ConfigSource;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ./parley bench [scenario] [options]}: measure Parley against the raw Kafka limit. */
@Command(name = "parley bench", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Measure Parley on this machine against the raw Kafka limit of the same broker, in one run,",
        "and write the figures into docs/benchmarks.md. Exits 2 if any message was lost, duplicated or reordered.",
        "Scenarios: all (default), baseline, throughput, latency, guarantee, groups, history, idle, up, smoke."})
public final class BenchMain implements Callable<Integer> {

  @Parameters(index = "0", defaultValue = "all", description = "all | baseline | throughput | latency | guarantee | groups | history | idle | up | smoke")
  String scenario;

  @Option(names = "--users", description = "sockets (users) of the 1:1 load, an even number (default 200; smoke 10)")
  Integer users;

  @Option(names = "--body-bytes", description = "message body size (default 100)")
  Integer bodyBytes;

  @Option(names = "--start-rate", description = "first offered rate of the search, msg/s (default 100)")
  Double startRate;

  @Option(names = "--growth", description = "rate factor between search steps (default 1.5)")
  Double growth;

  @Option(names = "--max-steps", description = "most search steps before refining (default 12)")
  Integer maxSteps;

  @Option(names = "--refine", description = "refining steps between the last pass and the first failure (default 1)")
  Integer refine;

  @Option(names = "--warmup", description = "seconds of load before each measurement (default 5)")
  Double warmup;

  @Option(names = "--measure", description = "seconds measured per search step (default 10)")
  Double measure;

  @Option(names = "--latency-measure", description = "seconds measured in the latency run (default 30)")
  Double latencyMeasure;

  @Option(names = "--p99-limit-ms", description = "a search step fails above this p99 (default 500)")
  Double p99Limit;

  @Option(names = "--rate", description = "rate of the latency run, msg/s (default: half the maximum found)")
  Double rate;

  @Option(names = "--baseline-records", description = "records per Kafka throughput run (default 2,000,000)")
  Integer baselineRecords;

  @Option(names = "--latency-records", description = "records of Kafka's EndToEndLatency run (default 10,000)")
  Integer latencyRecords;

  @Option(names = "--idle-levels", split = ",", description = "idle socket counts (default 10000,50000,100000)")
  List<Integer> idleLevels;

  @Option(names = "--up-settle", description = "up: seconds the idle stack runs before it is measured (default 180)")
  Double upSettle;

  @Option(names = "--up-measure", description = "up: seconds the idle stack is measured (default 60)")
  Double upMeasure;

  @Option(names = "--settle", description = "seconds of unmeasured load on each fresh instance before its search (default 20; smoke 0)")
  Double settle;

  @Option(names = "--jvm-warmup", description = "seconds of unmeasured load on a throwaway instance first (default 90; smoke 0)")
  Double jvmWarmup;

  @Option(names = "--groups", description = "groups in the fan-out scenario (default 2; smoke 1)")
  Integer groups;

  @Option(names = "--group-members", description = "members per group, each with one socket (default 100; smoke 5)")
  Integer groupMembers;

  @Option(names = "--set", description = "a Parley setting for the measured instances, key=value (repeatable), "
      + "e.g. --set topology.commit.interval=50ms --set topology.streams.num.standby.replicas=0")
  Map<String, String> set = new LinkedHashMap<>();

  @Option(names = "--config", description = "a parley.properties file; PARLEY_* environment variables apply too")
  Path config;

  @Option(names = "--report", description = "the page to write (default docs/benchmarks.md; smoke: bench/target/bench-smoke.md)")
  Path report;

  @Option(names = "--chart", description = "the PNG to write (default docs/benchmarks-latency.png; smoke: in bench/target)")
  Path chart;

  @Option(names = "--no-report", description = "write nothing into docs/")
  boolean noReport;

  @Option(names = "--no-baseline", description = "skip Kafka's baseline (tuning runs; the report then has no ratios)")
  boolean noBaseline;

  @Option(names = "--work-dir", defaultValue = "bench/target/bench-run", description = "broker data and logs (default: ${DEFAULT-VALUE})")
  Path workDir;

  @Option(names = "--note", description = "a line for the report, e.g. that the machine was shared")
  String note;

  private final String[] args;

  BenchMain(String[] args) {
    this.args = args;
  }

  public static void main(String[] args) {
    System.setProperty("java.awt.headless", "true");
    int code = new CommandLine(new BenchMain(args)).setCaseInsensitiveEnumValuesAllowed(true).execute(args);
    System.exit(code);
  }

  @Override
  public Integer call() throws Exception {
    Scenario chosen = Scenario.valueOf(scenario.toUpperCase(java.util.Locale.ROOT));
    if (chosen == Scenario.UP) {
      Path page = noReport ? null : report != null ? report : Path.of("docs/benchmarks-idle.md");
      StackIdle.run(new StackIdle.Options(workDir, BenchRun.seconds(or(upSettle, 180.0)), BenchRun.seconds(or(upMeasure, 60.0)),
          page, command(), note));
      return 0;
    }
    boolean smoke = chosen == Scenario.SMOKE;
    Path reportFile = noReport ? null : report != null ? report : Path.of(smoke ? "bench/target/bench-smoke.md" : "docs/benchmarks.md");
    Path chartFile = noReport ? null : chart != null ? chart : Path.of(smoke ? "bench/target/bench-smoke.png" : "docs/benchmarks-latency.png");
    Map<String, String> settings = new LinkedHashMap<>(ConfigSource.load(Optional.ofNullable(config)).withPrefix(""));
    settings.keySet().removeIf(k -> !k.contains(".")); // stray PARLEY_X variables are not settings
    settings.putAll(set);
    BenchRun.Options options = new BenchRun.Options(chosen, plan(smoke ? BenchPlan.smoke() : BenchPlan.full()), settings,
        workDir, reportFile, chartFile, command(), note, noBaseline);
    BenchResults results = BenchRun.run(options);
    if (results.failure() != null) {
      System.err.println("BENCHMARK FAILED: " + results.failure());
      return 2;
    }
    System.out.println("benchmark finished" + (reportFile != null ? "; see " + reportFile : ""));
    return 0;
  }

  private BenchPlan plan(BenchPlan base) {
    RateSearch.Plan s = base.search();
    RateSearch.Plan search = new RateSearch.Plan(or(startRate, s.startRate()), or(growth, s.growth()), or(maxSteps, s.maxSteps()),
        or(refine, s.refineSteps()), warmup != null ? BenchRun.seconds(warmup) : s.warmup(),
        measure != null ? BenchRun.seconds(measure) : s.measure(), or(p99Limit, s.p99LimitMs()));
    return new BenchPlan(or(users, base.users()), or(bodyBytes, base.bodyBytes()), search,
        latencyMeasure != null ? BenchRun.seconds(latencyMeasure) : base.latencyMeasure(), or(rate, base.latencyRate()),
        or(baselineRecords, base.baselineRecords()), or(latencyRecords, base.latencyRecords()),
        idleLevels != null ? List.copyOf(idleLevels) : base.idleLevels(),
        settle != null ? BenchRun.seconds(settle) : base.settle(),
        jvmWarmup != null ? BenchRun.seconds(jvmWarmup) : base.jvmWarmup(), or(groups, base.groups()),
        or(groupMembers, base.groupMembers()));
  }

  private static <T> T or(T value, T fallback) {
    return value != null ? value : fallback;
  }

  private String command() {
    List<String> parts = new ArrayList<>(List.of("./parley", "bench"));
    for (String arg : args) {
      parts.add(arg.matches("[A-Za-z0-9_./=:,+-]+") ? arg : "'" + arg.replace("'", "'\\''") + "'");
    }
    return String.join(" ", parts);
  }
}
