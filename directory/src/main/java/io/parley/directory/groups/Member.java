package io.parley.directory.groups;

/** One member of a group; {@code role} is {@code admin} or {@code member}. */
public record Member(String groupId, String userId, String role, long joinedAt) {
  public static final String ADMIN = "admin";
  public static final String MEMBER = "member";

  public boolean admin() {
    return ADMIN.equals(role);
  }
}
