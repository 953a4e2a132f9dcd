package io.parley.sinks.history;

import io.parley.model.Conversations;
import io.parley.model.Ids;
import io.parley.schemas.Attachment;
import io.parley.schemas.ChatMessage;
import io.parley.schemas.StoredMessage;
import io.parley.schemas.serde.AvroSerde;
import io.parley.sinks.InvalidRecordException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns records of the {@code messages} topic into history rows, refusing what can never be a
 * message: undecodable bytes, missing or malformed fields, a key that is not the message's conversation.
 */
public final class MessageRows {
  private static final AvroSerde<StoredMessage> SERDE = AvroSerde.of(StoredMessage.class);
  private final int previewChars;

  /** @param previewChars how much of the latest message's body a chat list line keeps */
  public MessageRows(int previewChars) {
    if (previewChars < 0) {
      throw new IllegalArgumentException("previewChars must be >= 0");
    }
    this.previewChars = previewChars;
  }

  /**
   * Decodes one record (key: conversation id; value: a {@code StoredMessage} in Avro single-object
   * encoding) found at {@code offset} of its partition.
   */
  public MessageRow fromRecord(long offset, String key, byte[] value) throws InvalidRecordException {
    if (value == null) {
      throw new InvalidRecordException("a message record needs a value");
    }
    StoredMessage stored;
    try {
      stored = SERDE.decode(value);
    } catch (RuntimeException e) {
      throw new InvalidRecordException("not a StoredMessage: " + e.getMessage(), e);
    }
    return fromMessage(offset, key, stored);
  }

  public MessageRow fromMessage(long offset, String key, StoredMessage stored) throws InvalidRecordException {
    if (offset < 0) {
      throw new IllegalArgumentException("a log offset is never negative: " + offset);
    }
    ChatMessage m = stored.getMessage();
    if (m == null) {
      throw new InvalidRecordException("the stored message has no message");
    }
    String conversation = m.getConversation();
    Optional<String> group = Conversations.groupOf(conversation);
    Optional<List<String>> participants = Conversations.directParticipants(conversation);
    if (group.isEmpty() && participants.isEmpty()) {
      throw new InvalidRecordException("not a conversation id: " + conversation);
    }
    if (!conversation.equals(key)) {
      throw new InvalidRecordException("record key '" + key + "' is not the message's conversation '" + conversation + "'");
    }
    require(Ids.isMessage(m.getId()), "message id", m.getId());
    require(Ids.isUser(m.getFrom()), "sender", m.getFrom());
    require(m.getFromDevice() != null && !m.getFromDevice().isEmpty(), "sender device", m.getFromDevice());
    if (participants.isPresent() && !participants.get().contains(m.getFrom())) {
      throw new InvalidRecordException("sender " + m.getFrom() + " is not in " + conversation);
    }
    if (m.getSentAt() <= 0 || stored.getStoredAt() < 0) {
      throw new InvalidRecordException("sentAt must be a positive epoch ms, was " + m.getSentAt());
    }
    return new MessageRow(conversation, Days.of(m.getSentAt()), m.getSentAt(), offset, m.getFrom(), m.getId(),
        m.getFromDevice(), m.getBody() == null ? "" : m.getBody(), attachments(m.getAttachments()),
        group, stored.getStoredAt(), group.isPresent() ? recipients(stored.getRecipients(), m.getFrom()) : List.of());
  }

  private static List<Map<String, String>> attachments(List<Attachment> attachments) throws InvalidRecordException {
    List<Map<String, String>> out = new ArrayList<>();
    if (attachments == null) {
      return out;
    }
    for (Attachment a : attachments) {
      require(a.getAsset() != null && !a.getAsset().isEmpty(), "attachment asset", a.getAsset());
      Map<String, String> map = new LinkedHashMap<>();
      map.put("asset", a.getAsset());
      map.put("mime", a.getMime() == null ? "" : a.getMime());
      map.put("size", String.valueOf(a.getSize()));
      if (a.getKey() != null) {
        map.put("key", a.getKey());
      }
      if (a.getName() != null) {
        map.put("name", a.getName());
      }
      out.add(map);
    }
    return out;
  }

  /**
   * The chat-list lines these messages touch, one per (user, conversation) with its latest message:
   * both participants of a direct conversation; for a group, the sender and every member the topology
   * delivered it to (the record's {@code recipients}).
   */
  public List<ChatListRow> chatListRows(List<MessageRow> rows) {
    Map<String, ChatListRow> latest = new LinkedHashMap<>();
    for (MessageRow row : rows) {
      List<String> users = Conversations.directParticipants(row.conversation()).orElseGet(() -> {
        List<String> members = new ArrayList<>(row.recipients().size() + 1);
        members.add(row.sender());
        members.addAll(row.recipients());
        return members;
      });
      for (String user : users) {
        ChatListRow line = new ChatListRow(user, row.conversation(), row.sentAt(), row.messageId(), row.sender(),
            preview(row.body()), row.writeTimestampMicros());
        latest.merge(user + '\u0000' + row.conversation(), line,
            (a, b) -> a.writeTimestampMicros() >= b.writeTimestampMicros() ? a : b);
      }
    }
    return List.copyOf(latest.values());
  }

  /** Well-formed user ids other than the sender; a record written before recipients existed has none. */
  private static List<String> recipients(List<String> recipients, String sender) throws InvalidRecordException {
    List<String> out = new ArrayList<>(recipients.size());
    for (String user : recipients) {
      require(Ids.isUser(user), "recipient", user);
      if (!user.equals(sender)) {
        out.add(user);
      }
    }
    return out;
  }

  String preview(String body) {
    if (body.codePointCount(0, body.length()) <= previewChars) {
      return body;
    }
    return body.substring(0, body.offsetByCodePoints(0, previewChars));
  }

  private static void require(boolean ok, String what, String value) throws InvalidRecordException {
    if (!ok) {
      throw new InvalidRecordException("missing or malformed " + what + ": " + value);
    }
  }
}
