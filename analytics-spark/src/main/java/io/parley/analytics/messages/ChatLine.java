package io.parley.analytics.messages;

import org.apache.avro.generic.GenericRecord;

/**
 * What the analytics job reads of a stored message. A message is identified by its sender and the
 * sender's message id; {@link #key()} spells that pair as the key of its tags.
 */
public record ChatLine(String sender, String messageId, String conversation, String body, long sentAt) {

  static ChatLine from(GenericRecord stored) {
    GenericRecord message = (GenericRecord) stored.get("message");
    return new ChatLine(text(message, "from"), text(message, "id"), text(message, "conversation"),
        text(message, "body"), (Long) message.get("sentAt"));
  }

  /** {@code sender/messageId}: user ids hold no slash, so the pair reads back unambiguously. */
  public String key() {
    return sender + "/" + messageId;
  }

  private static String text(GenericRecord record, String field) {
    Object value = record.get(field);
    return value == null ? null : value.toString();
  }
}
