package io.parley.directory.users;

/** What anyone may see of a user. */
public record Profile(String id, String displayName, String about, String avatar) {}
