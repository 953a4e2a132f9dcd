package io.parley.history;

import io.parley.model.Conversations;

/**
 * Who may read a conversation. A direct conversation's participants are in its id; a group's are
 * the directory's knowledge, asked through {@link GroupMembership}.
 */
@FunctionalInterface
public interface ConversationAccess {

  /** Is {@code user} a member of {@code group}? */
  @FunctionalInterface
  interface GroupMembership {
    /** Until the directory answers, nobody is known to be in any group. */
    GroupMembership UNKNOWN = (group, user) -> false;

    /** @throws Unavailable when whoever knows the groups cannot answer now (the API answers 503) */
    boolean isMember(String group, String user);
  }

  /** Membership cannot be told now (e.g. the directory's database is down); worth retrying. */
  final class Unavailable extends RuntimeException {
    public Unavailable(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** May {@code user} read {@code conversation}, a valid conversation id? */
  boolean mayRead(String user, String conversation);

  /** Participants of a direct conversation, and the members of a group as {@code groups} says. */
  static ConversationAccess participants(GroupMembership groups) {
    return (user, conversation) -> Conversations.directParticipants(conversation).map(p -> p.contains(user))
        .orElseGet(() -> Conversations.groupOf(conversation).map(g -> groups.isMember(g, user)).orElse(false));
  }
}
