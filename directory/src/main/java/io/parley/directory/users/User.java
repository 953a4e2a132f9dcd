package io.parley.directory.users;

/** A user as stored. The password hash never leaves the directory. */
public record User(String id, String passwordHash, String displayName, String about, String avatarAsset,
    long createdAt, long updatedAt) {

  public Profile profile() {
    return new Profile(id, displayName, about, avatarAsset);
  }
}
