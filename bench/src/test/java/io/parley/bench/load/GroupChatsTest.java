package io.parley.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.parley.model.Ids;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class GroupChatsTest {

  private final GroupChats workload = new GroupChats(3, 4, "m", "bench", 32);

  @Test
  void shouldAddressEachMessageToTheSendersOwnGroup() {
    Map<String, List<String>> groups = workload.memberships();
    for (int n = 0; n < 50; n++) {
      Address to = workload.address(n);
      assertThat(to.kind()).isEqualTo(Address.Kind.GROUP);
      assertThat(groups.get(to.id())).contains(workload.userId(workload.sender(n)));
    }
  }

  @Test
  void shouldPutEveryUserInExactlyOneGroupWithValidGroupIds() {
    Map<String, List<String>> groups = workload.memberships();
    assertThat(groups).hasSize(3).allSatisfy((id, members) -> {
      assertThat(Ids.isGroup(id)).as(id).isTrue();
      assertThat(members).hasSize(4);
    });
    assertThat(groups.values().stream().flatMap(List::stream).distinct().count()).isEqualTo(workload.users());
  }

  @Test
  void shouldProbeEveryGroupWithTheFirstMessages() {
    assertThat(IntStream.range(0, workload.primeMessages()).mapToObj(n -> workload.address(n).id()).distinct())
        .hasSize(3);
  }

  @Test
  void shouldLetEveryUserSendEquallyOverAFullRound() {
    Map<Integer, Integer> sends = new HashMap<>();
    for (int n = 0; n < workload.users() * 5; n++) {
      sends.merge(workload.sender(n), 1, Integer::sum);
    }
    assertThat(sends).hasSize(workload.users()).allSatisfy((user, count) -> assertThat(count).isEqualTo(5));
  }

  @Test
  void shouldExpectADeliveryToEveryOtherMember() {
    assertThat(workload.deliveriesPerMessage()).isEqualTo(3);
  }

  @Test
  void shouldRefuseAGroupOfOne() {
    assertThatThrownBy(() -> new GroupChats(1, 1, "m", "bench", 32)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void shouldExpectOneReceiptPerMemberInASmallGroupAndOneForAllInALargeOne() {
    assertThat(workload.receiptsPerMessage()).isEqualTo(3);
    assertThat(new GroupChats(2, 100, "m", "bench", 32).receiptsPerMessage()).isEqualTo(1);
  }
}
