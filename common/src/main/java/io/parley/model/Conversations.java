package io.parley.model;

import java.util.List;
import java.util.Optional;

/** Conversation ids: {@code dm:<a>:<b>} with the two users sorted, or {@code group:<G>}. */
public final class Conversations {
  private static final String DM = "dm:";
  private static final String GROUP = "group:";

  private Conversations() {}

  public static String direct(String a, String b) {
    return a.compareTo(b) <= 0 ? DM + a + ":" + b : DM + b + ":" + a;
  }

  public static String group(String groupId) {
    return GROUP + groupId;
  }

  /** The two participants of a direct conversation id, or empty if it is not one. */
  public static Optional<List<String>> directParticipants(String conversation) {
    if (conversation == null || !conversation.startsWith(DM)) {
      return Optional.empty();
    }
    String[] parts = conversation.substring(DM.length()).split(":", -1);
    if (parts.length != 2 || !Ids.isUser(parts[0]) || !Ids.isUser(parts[1]) || parts[0].compareTo(parts[1]) > 0) {
      return Optional.empty();
    }
    return Optional.of(List.of(parts[0], parts[1]));
  }

  public static Optional<String> groupOf(String conversation) {
    if (conversation == null || !conversation.startsWith(GROUP)) {
      return Optional.empty();
    }
    String id = conversation.substring(GROUP.length());
    return Ids.isGroup(id) ? Optional.of(id) : Optional.empty();
  }
}
