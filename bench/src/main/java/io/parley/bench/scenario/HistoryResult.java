package io.parley.bench.scenario;

import java.time.Duration;

/**
 * The history on/off scenario: the same 1:1 rate search on two fresh instances, one without and one
 * with the messages sink connector writing to a real Cassandra node.
 *
 * @param off the search with no sink running (the Cassandra node is up, idle)
 * @param on the search with the messages sink writing history
 * @param messagesSent messages the "on" instance stored over all its steps, warm-up included
 * @param recordsWritten records the messages sink wrote to Cassandra by the end
 * @param retries write retries the messages sink reported (a retried batch is written, and counted, again)
 * @param catchUp how long after the last step the sink needed to write everything (null: it had not
 *     caught up when the wait ended)
 */
public record HistoryResult(RateSearch.Result off, RateSearch.Result on, long messagesSent, long recordsWritten, long retries,
    Duration catchUp) {

  /** Maximum with the sink over maximum without (NaN when either search has no passing step). */
  public double ratio() {
    return off == null || on == null || off.maxRate() <= 0 ? Double.NaN : on.maxRate() / off.maxRate();
  }
}
