package io.parley.sinks.history;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One message as the history tables hold it.
 *
 * @param day the UTC day of {@code sentAt}: with the conversation, the partition the message lives in
 * @param position where the message is in its conversation's {@code messages} partition (its offset):
 *     among messages of the same millisecond, the order they were stored in (see {@link MessagePosition})
 * @param attachments each as a map of {@code asset, mime, size} and the optional {@code key, name}
 * @param recipients for a group message, the members it was delivered to (their chat lists show it);
 *     empty for direct messages and for rows read back from Cassandra, which does not keep them
 */
public record MessageRow(
    String conversation,
    LocalDate day,
    long sentAt,
    long position,
    String sender,
    String messageId,
    String senderDevice,
    String body,
    List<Map<String, String>> attachments,
    Optional<String> group,
    long storedAt,
    List<String> recipients) {

  public MessageRow {
    attachments = List.copyOf(attachments);
    recipients = List.copyOf(recipients);
  }

  public MessageRow(String conversation, LocalDate day, long sentAt, long position, String sender, String messageId,
      String senderDevice, String body, List<Map<String, String>> attachments, Optional<String> group, long storedAt) {
    this(conversation, day, sentAt, position, sender, messageId, senderDevice, body, attachments, group, storedAt, List.of());
  }

  /** Where the message stands in its conversation: what a page's cursor names. */
  public MessagePosition place() {
    return new MessagePosition(sentAt, position);
  }

  /** Who sent it and the sender's id for it: one message, however many rows a replay left. */
  public String identity() {
    return identity(sender, messageId);
  }

  static String identity(String sender, String messageId) {
    return sender + '\u0000' + messageId;
  }

  /** Roughly what the row weighs in a batch: enough to keep batches under Cassandra's size limit. */
  public int estimatedBytes() {
    int bytes = 64 + conversation.length() + sender.length() + messageId.length() + senderDevice.length()
        + body.getBytes(StandardCharsets.UTF_8).length;
    for (Map<String, String> attachment : attachments) {
      for (Map.Entry<String, String> e : attachment.entrySet()) {
        bytes += e.getKey().length() + e.getValue().getBytes(StandardCharsets.UTF_8).length + 8;
      }
    }
    return bytes;
  }

  /**
   * The write timestamp of every cell this message writes, in microseconds: its own send time, so
   * Cassandra keeps the newest message however late an older one is replayed. The sub-millisecond
   * part comes from the message's identity, so two messages sent in the same millisecond never mix
   * their cells, and a replay writes exactly what the first write did.
   */
  public long writeTimestampMicros() {
    return sentAt * 1000 + Math.floorMod((sender + '\u0000' + messageId).hashCode(), 1000);
  }
}
