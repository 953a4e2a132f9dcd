package io.parley.directory.groups;

/** A group row. {@code version} grows with every membership change and orders the published sets. */
public record Group(String id, String name, String createdBy, long createdAt, long version, int memberCount) {}
