package io.parley.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ConversationsTest {

  @Test
  void shouldNameADirectConversationTheSameFromBothSides() {
    assertThat(Conversations.direct("bob", "alice")).isEqualTo("dm:alice:bob");
    assertThat(Conversations.direct("alice", "bob")).isEqualTo("dm:alice:bob");
  }

  @Test
  void shouldParseOnlyWellFormedDirectIds() {
    assertThat(Conversations.directParticipants("dm:alice:bob")).contains(List.of("alice", "bob"));
    assertThat(Conversations.directParticipants("dm:bob:alice")).isEmpty();
    assertThat(Conversations.directParticipants("dm:alice")).isEmpty();
    assertThat(Conversations.directParticipants("dm:alice:bob:carol")).isEmpty();
    assertThat(Conversations.directParticipants("dm:Alice:bob")).isEmpty();
    assertThat(Conversations.directParticipants("group:gabcd1")).isEmpty();
    assertThat(Conversations.directParticipants(null)).isEmpty();
  }

  @Test
  void shouldParseGroupIds() {
    assertThat(Conversations.groupOf("group:gabcd1")).contains("gabcd1");
    assertThat(Conversations.groupOf("group:'; drop table")).isEmpty();
  }

  @Test
  void shouldRefuseIdsOutsideTheirShapes() {
    assertThat(Ids.isUser("alice")).isTrue();
    assertThat(Ids.isUser("a")).isFalse();
    assertThat(Ids.isUser("Alice")).isFalse();
    assertThat(Ids.isUser("al:ice")).isFalse();
    assertThat(Ids.isUser("x".repeat(33))).isFalse();
    assertThat(Ids.isDevice("phone-1")).isTrue();
    assertThat(Ids.isDevice("")).isFalse();
    assertThat(Ids.isMessage("3f2b8c1e-9d4a-4e57-8a43-2f1c0e6b7d90")).isTrue();
    assertThat(Ids.isMessage("<script>")).isFalse();
  }
}
