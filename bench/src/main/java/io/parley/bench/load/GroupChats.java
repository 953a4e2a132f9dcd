package io.parley.bench.load;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Group fan-out: {@code groups} groups of {@code members} users each, every user in exactly one group.
 * Each message goes to the sender's group and must reach every other member, and each of them sends a
 * receipt back. Senders take turns across groups first, then across members, so consecutive messages
 * land in different groups and, over a step, every socket sends equally.
 *
 * @param userPrefix user ids are {@code <userPrefix><index>}
 * @param groupPrefix group ids are {@code g<groupPrefix><index, 4 digits>} (a group id is {@code g} and
 *     4–40 of {@code a-z 0-9})
 * @param memberReceiptsMax the stack's {@code groups.member.receipts.max}: up to it a message brings back a
 *     receipt per member, above it one receipt for the whole group
 */
public record GroupChats(int groups, int members, String userPrefix, String groupPrefix, int memberReceiptsMax) implements Workload {
  public GroupChats {
    if (groups < 1 || members < 2) {
      throw new IllegalArgumentException("group fan-out needs at least one group of at least 2 members: " + groups + " × " + members);
    }
    if (!groupPrefix.matches("[a-z0-9]{0,36}")) {
      throw new IllegalArgumentException("group prefix must be up to 36 of a-z 0-9: " + groupPrefix);
    }
  }

  @Override
  public int users() {
    return groups * members;
  }

  @Override
  public int sender(int n) {
    int group = n % groups;
    int member = (n / groups) % members;
    return group * members + member;
  }

  @Override
  public Address address(int n) {
    return Address.group(groupId(sender(n) / members));
  }

  @Override
  public int deliveriesPerMessage() {
    return members - 1;
  }

  @Override
  public int receiptsPerMessage() {
    return members - 1 <= memberReceiptsMax ? members - 1 : 1;
  }

  @Override
  public String userId(int index) {
    return userPrefix + index;
  }

  /** One message per group: the probe that shows the topology knows every group's members. */
  @Override
  public int primeMessages() {
    return groups;
  }

  public String groupId(int group) {
    return String.format("g%s%04d", groupPrefix, group);
  }

  @Override
  public Map<String, List<String>> memberships() {
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (int g = 0; g < groups; g++) {
      List<String> ids = new ArrayList<>(members);
      for (int m = 0; m < members; m++) {
        ids.add(userId(g * members + m));
      }
      out.put(groupId(g), List.copyOf(ids));
    }
    return out;
  }
}
