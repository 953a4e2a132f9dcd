package io.parley.history;

import java.util.Locale;

/**
 * Who may see a user's presence (online, last seen): setting {@code presence.visibility}. A user
 * always sees their own.
 */
public enum PresenceVisibility {
  /** Any signed-in account. */
  EVERYONE,
  /**
   * People who share a conversation with the user: a direct conversation with a message in it (its
   * chat-list line, so only where history is kept), or a group both are in now. The default.
   */
  CONVERSATIONS,
  /** Nobody but the user. */
  NOBODY;

  public static final String SETTING = "presence.visibility";

  public static PresenceVisibility parse(String value) {
    try {
      return valueOf(value.strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("setting " + SETTING + " must be everyone, conversations or nobody, was '" + value + "'");
    }
  }
}
