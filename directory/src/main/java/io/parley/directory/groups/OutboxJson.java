package io.parley.directory.groups;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Collection;

/** The member lists in outbox rows are JSON arrays of user ids. */
public final class OutboxJson {
  private static final ObjectMapper JSON = new ObjectMapper();

  private OutboxJson() {}

  public static String of(Collection<String> members) {
    try {
      return JSON.writeValueAsString(members);
    } catch (Exception e) {
      throw new IllegalStateException("cannot write a member list", e);
    }
  }
}
