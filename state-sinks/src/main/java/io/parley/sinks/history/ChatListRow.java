package io.parley.sinks.history;

/**
 * One line of a user's chat list: a conversation and its latest message.
 *
 * @param writeTimestampMicros the latest message's write timestamp: the newest message wins
 */
public record ChatListRow(String user, String conversation, long lastAt, String lastMessageId, String lastSender,
    String lastPreview, long writeTimestampMicros) {}
