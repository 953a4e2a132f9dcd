package io.parley.bench.report;

import io.parley.bench.baseline.BaselineResult;
import io.parley.bench.idle.IdleResult;
import io.parley.bench.load.StepResult;
import io.parley.bench.scenario.GroupResult;
import io.parley.bench.scenario.HistoryResult;
import io.parley.bench.scenario.RateSearch;
import io.parley.bench.stack.KafkaFootprint;
import java.time.Instant;
import java.util.Map;

/**
 * Everything one run measured; parts a scenario did not run stay null.
 *
 * @param eosLatency scenario (b): exactly_once_v2 at half its maximum rate
 * @param alosLatency at_least_once at the same absolute rate as {@code eosLatency}, for P5's p99
 * @param groups scenario (e), group fan-out, for P4
 * @param history 1:1 throughput with and without the Cassandra history sink
 */
public record BenchResults(
    String command,
    String scenario,
    Instant started,
    Instant finished,
    Machine machine,
    String loadAverageAtEnd,
    String note,
    Map<String, String> settings,
    Map<String, String> planSummary,
    BaselineResult baseline,
    RateSearch.Result eos,
    StepResult eosLatency,
    RateSearch.Result alos,
    StepResult alosLatency,
    IdleResult idle,
    GroupResult groups,
    HistoryResult history,
    KafkaFootprint eosFootprint,
    KafkaFootprint alosFootprint,
    String failure) {}
