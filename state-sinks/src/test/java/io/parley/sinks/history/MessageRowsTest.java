package io.parley.sinks.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.parley.schemas.Attachment;
import io.parley.schemas.ChatMessage;
import io.parley.schemas.StoredMessage;
import io.parley.schemas.serde.AvroSerde;
import io.parley.sinks.InvalidRecordException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

class MessageRowsTest {
  private static final AvroSerde<StoredMessage> SERDE = AvroSerde.of(StoredMessage.class);
  private static final long NOON_2026_03_01 = LocalDate.of(2026, 3, 1).toEpochDay() * 86_400_000L + 12 * 3_600_000L;
  private static final long OFFSET = 41;
  private final MessageRows rows = new MessageRows(5);

  static ChatMessage message(String id, String from, String conversation, String body, long sentAt) {
    return ChatMessage.newBuilder().setId(id).setFrom(from).setFromDevice("phone").setConversation(conversation)
        .setBody(body).setSentAt(sentAt).build();
  }

  static byte[] encode(ChatMessage m) {
    return SERDE.encode(new StoredMessage(m, m.getSentAt() + 3, java.util.List.of()));
  }

  @Test
  void shouldMapADirectMessageToItsDayPartition() throws Exception {
    ChatMessage m = message("m-1", "alice", "dm:alice:bob", "hello", NOON_2026_03_01);
    m.setAttachments(List.of(new Attachment("ab12", "image/png", 42L, null, "cat.png")));

    MessageRow row = rows.fromRecord(OFFSET, "dm:alice:bob", encode(m));

    assertThat(row.conversation()).isEqualTo("dm:alice:bob");
    assertThat(row.day()).isEqualTo(LocalDate.of(2026, 3, 1));
    assertThat(row.sentAt()).isEqualTo(NOON_2026_03_01);
    assertThat(row.position()).as("the record's offset in its partition").isEqualTo(OFFSET);
    assertThat(row.place()).isEqualTo(new MessagePosition(NOON_2026_03_01, OFFSET));
    assertThat(row.sender()).isEqualTo("alice");
    assertThat(row.messageId()).isEqualTo("m-1");
    assertThat(row.storedAt()).isEqualTo(NOON_2026_03_01 + 3);
    assertThat(row.group()).isEmpty();
    assertThat(row.attachments()).containsExactly(
        java.util.Map.of("asset", "ab12", "mime", "image/png", "size", "42", "name", "cat.png"));
  }

  @Test
  void shouldPutAMessageJustBeforeMidnightUtcInThatDay() throws Exception {
    long lastMilli = LocalDate.of(2026, 3, 2).toEpochDay() * 86_400_000L - 1;
    MessageRow row = rows.fromRecord(OFFSET, "dm:alice:bob", encode(message("m", "bob", "dm:alice:bob", "x", lastMilli)));
    assertThat(row.day()).isEqualTo(LocalDate.of(2026, 3, 1));
  }

  @Test
  void shouldGiveTheSameRowAndWriteTimestampWhenARecordIsReplayed() throws Exception {
    byte[] bytes = encode(message("m-1", "alice", "dm:alice:bob", "hello", NOON_2026_03_01));
    MessageRow first = rows.fromRecord(OFFSET, "dm:alice:bob", bytes);
    MessageRow again = rows.fromRecord(OFFSET, "dm:alice:bob", bytes);
    assertThat(again).isEqualTo(first);
    assertThat(again.writeTimestampMicros()).isEqualTo(first.writeTimestampMicros())
        .isBetween(NOON_2026_03_01 * 1000, NOON_2026_03_01 * 1000 + 999);
  }

  @Test
  void shouldRefuseBytesThatAreNotAStoredMessage() {
    assertThatThrownBy(() -> rows.fromRecord(OFFSET, "dm:alice:bob", "{\"not\":\"avro\"}".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(InvalidRecordException.class).hasMessageContaining("not a StoredMessage");
    assertThatThrownBy(() -> rows.fromRecord(OFFSET, "dm:alice:bob", null)).isInstanceOf(InvalidRecordException.class);
  }

  @Test
  void shouldRefuseAKeyThatIsNotTheConversation() {
    byte[] bytes = encode(message("m-1", "alice", "dm:alice:bob", "hello", NOON_2026_03_01));
    assertThatThrownBy(() -> rows.fromRecord(OFFSET, "dm:alice:carol", bytes))
        .isInstanceOf(InvalidRecordException.class).hasMessageContaining("not the message's conversation");
  }

  @Test
  void shouldRefuseMalformedFields() {
    assertThatThrownBy(() -> rows.fromRecord(OFFSET, "dm:alice:bob", encode(message("", "alice", "dm:alice:bob", "x", NOON_2026_03_01))))
        .isInstanceOf(InvalidRecordException.class).hasMessageContaining("message id");
    assertThatThrownBy(() -> rows.fromRecord(OFFSET, "dm:alice:bob", encode(message("m", "carol", "dm:alice:bob", "x", NOON_2026_03_01))))
        .isInstanceOf(InvalidRecordException.class).hasMessageContaining("not in");
    assertThatThrownBy(() -> rows.fromRecord(OFFSET, "dm:bob:alice", encode(message("m", "alice", "dm:bob:alice", "x", NOON_2026_03_01))))
        .isInstanceOf(InvalidRecordException.class).hasMessageContaining("not a conversation id");
    assertThatThrownBy(() -> rows.fromRecord(OFFSET, "dm:alice:bob", encode(message("m", "alice", "dm:alice:bob", "x", 0))))
        .isInstanceOf(InvalidRecordException.class).hasMessageContaining("sentAt");
  }

  @Test
  void shouldKeepTheLatestMessagePerUserAndConversationForChatLists() throws Exception {
    MessageRow older = rows.fromRecord(OFFSET, "dm:alice:bob", encode(message("m-1", "alice", "dm:alice:bob", "first!", NOON_2026_03_01)));
    MessageRow newer = rows.fromRecord(OFFSET, "dm:alice:bob", encode(message("m-2", "bob", "dm:alice:bob", "second", NOON_2026_03_01 + 5)));

    List<ChatListRow> lines = rows.chatListRows(List.of(newer, older));

    assertThat(lines).extracting(ChatListRow::user).containsExactly("alice", "bob");
    assertThat(lines).allSatisfy(l -> {
      assertThat(l.lastMessageId()).isEqualTo("m-2");
      assertThat(l.lastSender()).isEqualTo("bob");
      assertThat(l.lastPreview()).isEqualTo("secon");
    });
  }

  @Test
  void shouldPutAGroupMessageInTheChatListOfTheSenderAndEveryRecipient() throws Exception {
    ChatMessage m = message("m-1", "alice", "group:gteam1", "hi all", NOON_2026_03_01);
    m.setGroup("gteam1");
    MessageRow row = rows.fromRecord(OFFSET, "group:gteam1", SERDE.encode(new StoredMessage(m, NOON_2026_03_01 + 3, List.of("bob", "carol"))));

    assertThat(row.group()).contains("gteam1");
    assertThat(rows.chatListRows(List.of(row))).extracting(ChatListRow::user).containsExactly("alice", "bob", "carol");
  }

  @Test
  void shouldPutAGroupMessageWrittenBeforeRecipientsExistedInTheSendersChatListOnly() throws Exception {
    ChatMessage m = message("m-1", "alice", "group:gteam1", "hi all", NOON_2026_03_01);
    m.setGroup("gteam1");
    MessageRow row = rows.fromRecord(OFFSET, "group:gteam1", encode(m));

    assertThat(rows.chatListRows(List.of(row))).extracting(ChatListRow::user).containsExactly("alice");
  }

  @Test
  void shouldRefuseAGroupMessageNamingAMalformedRecipient() {
    ChatMessage m = message("m-1", "alice", "group:gteam1", "hi all", NOON_2026_03_01);
    m.setGroup("gteam1");
    byte[] record = SERDE.encode(new StoredMessage(m, NOON_2026_03_01 + 3, List.of("bob", "'; DROP TABLE x; --")));
    assertThatThrownBy(() -> rows.fromRecord(OFFSET, "group:gteam1", record)).isInstanceOf(InvalidRecordException.class)
        .hasMessageContaining("recipient");
  }

  @Test
  void shouldCutPreviewsOnCodePoints() {
    assertThat(new MessageRows(2).preview("😀😀😀")).isEqualTo("😀😀");
    assertThat(new MessageRows(0).preview("abc")).isEmpty();
  }
}
