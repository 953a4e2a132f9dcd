package io.parley.bench.load;

/**
 * Who sends to whom. The generator asks the workload, for the n-th message of a step, which
 * connected user sends it and to which address, and how many deliveries that message must cause.
 *
 * <p>1:1 chat is {@link DirectPairs}. Group fan-out (issue scenario (e)) is another implementation:
 * a sender addresses {@code {"group": G}} and {@link #deliveriesPerMessage()} is the member count
 * less the sender; the ledger then expects that many deliveries per message.
 */
public interface Workload {
  /** How many users the workload needs connected. */
  int users();

  /** The index of the user who sends message {@code n}. */
  int sender(int n);

  /** The user id message {@code n} is addressed to. */
  String recipient(int n);

  /** Deliveries each message must cause (1 for a direct message). */
  int deliveriesPerMessage();

  /** The id of user {@code index}. */
  String userId(int index);
}
