package io.parley.history;

/** The user ids that name an account: the directory's knowledge, asked before telling a user's presence. */
@FunctionalInterface
public interface KnownUsers {
  /**
   * Without a directory nobody can say who exists: every well-formed id is taken to, and presence
   * answers for it as for someone never seen.
   */
  KnownUsers EVERYONE = user -> true;

  /**
   * @param user a valid user id
   * @throws DirectoryUnavailable when whoever knows the users cannot answer now (the API answers 503)
   */
  boolean contains(String user);
}
