package io.parley.history;

/** Whether two users are in one group now: the directory's knowledge, asked before telling a presence. */
@FunctionalInterface
public interface SharedGroups {
  /** Without a directory no group is known, so none is shared. */
  SharedGroups NONE = (a, b) -> false;

  /**
   * @param a a valid user id
   * @param b another
   * @throws DirectoryUnavailable when whoever knows the groups cannot answer now (the API answers 503)
   */
  boolean share(String a, String b);
}
