package io.parley.bench.scenario;

/**
 * Scenario (e): the rate search of group messages, each fanned out to {@code members − 1} others.
 *
 * @param search rates in group messages per second; each step's delivered/s counts deliveries
 */
public record GroupResult(int groups, int members, RateSearch.Result search) {

  public int deliveriesPerMessage() {
    return members - 1;
  }

  /** Deliveries per second at the highest passing message rate (0 when no step passed). */
  public double maxDeliveriesPerSecond() {
    return search.maxRate() * deliveriesPerMessage();
  }
}
