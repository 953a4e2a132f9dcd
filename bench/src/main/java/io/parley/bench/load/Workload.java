package io.parley.bench.load;

import java.util.List;
import java.util.Map;

/**
 * Who sends to whom. The generator asks the workload, for the n-th message of a step, which
 * connected user sends it and to which address, and how many deliveries that message must cause.
 * 1:1 chat is {@link DirectPairs}; group fan-out is {@link GroupChats}.
 */
public interface Workload {
  /** How many users the workload needs connected. */
  int users();

  /** The index of the user who sends message {@code n}. */
  int sender(int n);

  /** Where message {@code n} is addressed. */
  Address address(int n);

  /** Deliveries (and receipts back to the sender) each message must cause: 1 for a direct message. */
  int deliveriesPerMessage();

  /** Receipts each message brings back to its sender (a large group gives one for all its members). */
  default int receiptsPerMessage() {
    return deliveriesPerMessage();
  }

  /** The id of user {@code index}. */
  String userId(int index);

  /**
   * How many messages warm every path up once: messages {@code 0..n-1} reach every socket (and their
   * receipts every sender) at least once, or for groups at least every group once.
   */
  int primeMessages();

  /** The groups this workload needs, id → members, published before any socket opens; empty for 1:1. */
  default Map<String, List<String>> memberships() {
    return Map.of();
  }
}
