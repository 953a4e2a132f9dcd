package io.parley.history;

import io.parley.model.Conversations;
import java.util.OptionalLong;

/**
 * Who may read a conversation, and from when. A direct conversation's participants are in its id and
 * read all of it; a group's members are the directory's knowledge, asked through
 * {@link GroupMembership}, and read what was sent since they joined.
 */
@FunctionalInterface
public interface ConversationAccess {

  /** Since when {@code user} is a member of {@code group}. */
  @FunctionalInterface
  interface GroupMembership {
    /** Until the directory answers, nobody is known to be in any group. */
    GroupMembership UNKNOWN = (group, user) -> OptionalLong.empty();

    /**
     * @return the join time in epoch milliseconds, or empty when {@code user} is not a member now
     * @throws DirectoryUnavailable when whoever knows the groups cannot answer now (the API answers 503)
     */
    OptionalLong memberSince(String group, String user);
  }

  /**
   * From when may {@code user} read {@code conversation}, a valid conversation id?
   *
   * @return the earliest send time (epoch milliseconds) the user may read, {@code 0} for all of it,
   *     or empty when the user may not read it at all
   */
  OptionalLong readableSince(String user, String conversation);

  /** Participants of a direct conversation, all of it; members of a group as {@code groups} says, since they joined. */
  static ConversationAccess participants(GroupMembership groups) {
    return (user, conversation) -> {
      var direct = Conversations.directParticipants(conversation);
      if (direct.isPresent()) {
        return direct.get().contains(user) ? OptionalLong.of(0) : OptionalLong.empty();
      }
      return Conversations.groupOf(conversation).map(g -> groups.memberSince(g, user)).orElse(OptionalLong.empty());
    };
  }
}
