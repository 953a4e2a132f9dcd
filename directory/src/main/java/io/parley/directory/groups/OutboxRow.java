package io.parley.directory.groups;

/** A membership change waiting to be published: the whole member set (JSON array) at {@code version}. */
public record OutboxRow(long seq, String groupId, long version, String members, boolean deleted, long createdAt) {}
