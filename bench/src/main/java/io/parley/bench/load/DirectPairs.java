package io.parley.bench.load;

/**
 * 1:1 chat: users in pairs (0↔1, 2↔3, …) writing to each other, messages spread round-robin over all
 * senders so every socket sends and receives at the same rate.
 */
public record DirectPairs(int users, String prefix) implements Workload {
  public DirectPairs {
    if (users < 2 || users % 2 != 0) {
      throw new IllegalArgumentException("1:1 chat needs an even number of users, at least 2: " + users);
    }
  }

  @Override
  public int sender(int n) {
    return n % users;
  }

  @Override
  public Address address(int n) {
    return Address.user(userId(sender(n) ^ 1));
  }

  @Override
  public int deliveriesPerMessage() {
    return 1;
  }

  @Override
  public String userId(int index) {
    return prefix + index;
  }

  @Override
  public int primeMessages() {
    return users;
  }
}
