package io.parley.sinks.tags;

/**
 * The analytics job's topic tag of one message (a {@code message-tags} record).
 *
 * @param sentAt the message's own time, epoch ms: with the conversation, where its history row is
 * @param score the model's probability for {@code tag}, 0..1
 * @param model the version of the model that tagged it
 */
public record MessageTag(String conversation, long sentAt, String sender, String messageId, String tag, double score,
    String model) {

  /** Who sent it and the sender's id for it, as history spells a message's identity. */
  public String identity() {
    return identity(sender, messageId);
  }

  public static String identity(String sender, String messageId) {
    return sender + '\u0000' + messageId;
  }
}
