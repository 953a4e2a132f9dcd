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

    boolean isMember(String group, String user);
  }

  /** May {@code user} read {@code conversation}, a valid conversation id? */
  boolean mayRead(String user, String conversation);

  /** Participants of a direct conversation, and the members of a group as {@code groups} says. */
  static ConversationAccess participants(GroupMembership groups) {
    return (user, conversation) -> Conversations.directParticipants(conversation).map(p -> p.contains(user))
        .orElseGet(() -> Conversations.groupOf(conversation).map(g -> groups.isMember(g, user)).orElse(false));
  }
}
