package io.parley.client.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.parley.client.Accounts;
import io.parley.client.Incoming;
import io.parley.client.Outbox;
import io.parley.client.ParleyClient;
import io.parley.client.media.Attachment;
import io.parley.client.media.MediaClient;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chat's commands and what it shows. Its client is never started: whatever the chat sends waits
 * in the outbox, where the test reads it.
 */
class ChatTest {
  private static final String ASSET = "0123456789abcdef".repeat(4);
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path dir;
  private Path home;
  private Path work;
  private final List<String> screen = new CopyOnWriteArrayList<>();
  private FakeAssets assets;
  private Outbox outbox;
  private ParleyClient client;
  private ReceivedFiles files;
  private Chat chat;

  @BeforeEach
  void open() throws Exception {
    home = Files.createDirectories(dir.resolve("home"));
    work = Files.createDirectories(dir.resolve("work"));
    assets = new FakeAssets();
    outbox = new Outbox(dir.resolve("alice-cli.db"));
    client = new ParleyClient(URI.create("ws://127.0.0.1:9/v1/ws"), "token", outbox, new Incoming() { });
    files = new ReceivedFiles(dir.resolve("alice-cli.db"));
    chat = newChat();
  }

  private Chat newChat() {
    return new Chat(screen::add, new Accounts(URI.create("http://127.0.0.1:9")), "token", "cli",
        new MediaClient(assets.uri(), "token"), files, new UserPaths(work, home));
  }

  @AfterEach
  void close() throws Exception {
    client.close();
    files.close();
    outbox.close();
    assets.close();
  }

  private void type(String... lines) throws Exception {
    for (String line : lines) {
      chat.command(line, client);
    }
  }

  private List<String> sentBodies() throws Exception {
    return outbox.pending().stream().map(Outbox.Pending::body).toList();
  }

  private static String saved(String name) {
    return Chat.safeName(new Attachment(ASSET, "image/jpeg", 10, null, name));
  }

  @Test
  void shouldKeepAnOrdinaryFileName() {
    assertThat(saved("holiday photo.jpg")).isEqualTo("holiday photo.jpg");
  }

  @Test
  void shouldNeverLetTheSenderChooseAPathOrAHiddenFile() {
    assertThat(saved("../../.bashrc")).doesNotContain("/").doesNotStartWith(".");
    assertThat(saved("/etc/passwd")).doesNotContain("/");
    assertThat(saved("..")).startsWith("0123456789ab");
    assertThat(saved(null)).isEqualTo("0123456789ab");
    assertThat(saved("a".repeat(500))).hasSize(100);
  }

  @Test
  void shouldRefuseUnknownAndIncompleteCommandsInsteadOfSendingThem() throws Exception {
    type("@bob hello");
    screen.clear();
    type("/hlep", "/file", "/save", "/save x", "/group new", "/group", "/group old friends bob", "/file \"unclosed", "/ ");
    assertThat(sentBodies()).containsExactly("hello");
    assertThat(screen).hasSize(9).allMatch(line -> line.startsWith("! "));
    assertThat(screen.get(0)).contains("unknown command /hlep", "/help");
    assertThat(screen.get(1)).contains("usage: /file <path>");
    assertThat(screen.get(4)).contains("usage: /group new <name> <user>");
    assertThat(chat.command("/exit", client)).isFalse();
    assertThat(chat.command("/quit", client)).isFalse();
  }

  @Test
  void shouldListEveryCommandInHelpAndSendALineStartingWithSlashWhenDoubled() throws Exception {
    type("/help");
    assertThat(screen).singleElement().asString()
        .contains("/help", "/file <path> [caption]", "/files", "/save <n> [folder]", "/groups", "/group new <name> <user>...",
            "/read", "/quit", "@user", "#group", "//text");
    type("@bob //etc/hosts is a file", "//shrug");
    assertThat(sentBodies()).containsExactly("//etc/hosts is a file", "/shrug");
  }

  @Test
  void shouldNameTheCurrentRecipientInThePrompt() throws Exception {
    assertThat(chat.prompt()).isEqualTo("> ");
    type("@bob");
    assertThat(chat.prompt()).isEqualTo("@bob> ");
    type("#g1a2b3c hi all");
    assertThat(chat.prompt()).isEqualTo("#g1a2b3c> ");
    assertThat(sentBodies()).containsExactly("hi all");
  }

  @Test
  void shouldShowEscapesAndControlCharactersFromASenderAsHarmlessText() throws Exception {
    ObjectNode raw = JSON.createObjectNode();
    chat.message(1, "m1", "mallory", "dm:alice:mallory", "ok\r\u001b[2K[19:02:00] carol: send me your password", 0, raw);
    chat.message(2, "m2", "mallory\u001b[31m", "group:g1\u0007", "hi\n[19:02:00] carol: and this\u202e", 0, raw);
    assertThat(String.join("\n", screen)).doesNotContain("\u001b", "\r", "\u0007", "\u202e");
    assertThat(screen.get(0)).matches("\\[\\d\\d:\\d\\d:\\d\\d] mallory: ok\\^M\\^\\[\\[2K\\[19:02:00] carol: send me your password");
    // a line break in a body cannot start a line that looks like the chat's own
    assertThat(screen.get(1).lines().skip(1)).allMatch(l -> l.startsWith(Display.CONTINUATION));
    assertThat(screen.get(1)).contains("#g1^G mallory^[[31m: hi", "carol: and this<U+202E>");
    assertThat(Display.body("a part of a paste\nthat ends in a line break\n")).hasLineCount(2).doesNotEndWith("| ");

    ObjectNode withFile = JSON.createObjectNode();
    withFile.putArray("attachments").add(new Attachment(ASSET, "text/plain\u001b]0;pwned\u0007", 148, "v1.k", "a\u001b[2Jb.txt").toJson());
    screen.clear();
    chat.message(3, "m3", "mallory", "dm:alice:mallory", "", 0, withFile);
    chat.error("bad_request", "no such thing: \u001b[2J", null);
    chat.receipt(4, "m0", "bob\u001b[1A", "read", 0);
    assertThat(String.join("\n", screen)).doesNotContain("\u001b", "\u0007");
    assertThat(Chat.groupLine(JSON.readTree("{\"id\":\"g1\",\"name\":\"fr\\u001b[2Jiends\",\"members\":3}")))
        .isEqualTo("  #g1  fr^[[2Jiends (3 members)");
  }

  @Test
  void shouldCountGroupMembersInGoodEnglish() throws Exception {
    assertThat(Chat.groupLine(JSON.readTree("{\"id\":\"g1\",\"name\":\"me\",\"members\":1}"))).endsWith("(1 member)");
    assertThat(Chat.groupLine(JSON.readTree("{\"id\":\"g2\",\"name\":\"us\",\"members\":2}"))).endsWith("(2 members)");
  }

  @Test
  void shouldSplitALongPasteIntoMessagesAndRefuseOneTooLongToSplit() throws Exception {
    String paste = ("a line of a long paste, " + "x".repeat(40) + "\n").repeat(400); // 26,000 characters
    type("@bob " + paste);
    List<String> parts = sentBodies();
    assertThat(parts).hasSizeGreaterThan(1).allMatch(p -> p.length() <= LongText.PART_CHARS);
    assertThat(String.join("", parts)).isEqualTo(paste.strip());
    assertThat(screen).last().asString().contains("sent as " + parts.size() + " messages");

    screen.clear();
    type("x".repeat(100 * 1024)); // a 100 KB paste
    assertThat(sentBodies()).hasSize(parts.size());
    assertThat(screen).singleElement().asString().startsWith("! not sent: 102,400 characters is too long").contains("/file");
  }

  @Test
  void shouldNeverSplitACharacterInTwo() throws Exception {
    String emoji = "\uD83D\uDE00".repeat(LongText.PART_CHARS); // 8,192 chars, no spaces
    List<String> parts = LongText.parts(emoji);
    assertThat(String.join("", parts)).isEqualTo(emoji);
    assertThat(parts).allMatch(p -> !Character.isHighSurrogate(p.charAt(p.length() - 1)));
  }

  @Test
  void shouldSayWhichMessageAPermanentRefusalTookOutOfTheOutbox() throws Exception {
    type("@bob hello there");
    String id = outbox.pending().get(0).id();
    chat.error("unknown_recipient", "no such user", id);
    assertThat(screen).last().asString().contains("not sent @bob \"hello there\"", "no such user", "out of the outbox");
    chat.error("rate_limited", "slow down", id);
    assertThat(screen).last().asString().doesNotContain("out of the outbox");
  }

  @Test
  void shouldSayNothingAboutTheDisconnectionAQuitCausesAndNeverPrintNull() throws Exception {
    chat.disconnected(1006, null);
    assertThat(screen).containsExactly("(disconnected; reconnecting)");
    chat.disconnected(ParleyClient.CLOSE_REPLACED, "replaced by a newer connection of this device");
    assertThat(screen).last().asString().contains("device cli", "stays disconnected", "--device");
    screen.clear();
    ChatTerminalTest.converse(chat, client, "/quit\r");
    chat.disconnected(1000, null);
    assertThat(screen).isEmpty();
  }

  @Test
  void shouldSendAFileByAPathWithTildeSpacesAndRelativeToTheUsersFolder() throws Exception {
    Files.createDirectories(home.resolve("My Pictures"));
    Files.write(home.resolve("My Pictures/cat photo.jpg"), new byte[1000]);
    Files.write(work.resolve("notes.txt"), "notes".getBytes());
    type("@bob", "/file \"~/My Pictures/cat photo.jpg\" look at this", "/file notes.txt", "/file ~/My\\ Pictures/cat\\ photo.jpg");
    assertThat(screen).containsExactly("(sent cat photo.jpg, 1,000 bytes)", "(sent notes.txt, 5 bytes)", "(sent cat photo.jpg, 1,000 bytes)");
    assertThat(sentBodies()).containsExactly("look at this", "", "");

    screen.clear();
    type("/file ~/My Pictures/cat photo.jpg");
    assertThat(screen).singleElement().asString().contains("no such file: " + home.resolve("My"), "in quotes");
  }

  @Test
  void shouldShowThePlainSizeAndSaveIntoDownloadsWithoutEverOverwriting() throws Exception {
    byte[] photo = new byte[1000];
    new java.util.Random(7).nextBytes(photo);
    Files.write(work.resolve("cat.jpg"), photo);
    type("@bob", "/file cat.jpg");
    JsonNode sent = JSON.readTree(outbox.pending().get(0).attachments());
    Files.createDirectories(home.resolve("Downloads"));
    Files.writeString(home.resolve("Downloads/cat.jpg"), "a file that was there before");

    screen.clear();
    receive("m1", sent);
    assertThat(screen.get(1)).contains("[file 1] cat.jpg, 1,000 bytes, image/jpeg: /save 1");
    type("/save 1", "/save 1");
    assertThat(Files.readString(home.resolve("Downloads/cat.jpg"))).isEqualTo("a file that was there before");
    assertThat(Files.readAllBytes(home.resolve("Downloads/cat (1).jpg"))).isEqualTo(photo);
    assertThat(Files.readAllBytes(home.resolve("Downloads/cat (2).jpg"))).isEqualTo(photo);
    assertThat(work.toFile().list()).containsExactly("cat.jpg"); // nothing saved where the chat runs

    type("/save 1 \"my folder\"");
    assertThat(Files.readAllBytes(work.resolve("my folder/cat.jpg"))).isEqualTo(photo);
  }

  @Test
  void shouldRememberReceivedFilesAcrossARestart() throws Exception {
    byte[] photo = "a photo".getBytes();
    Files.write(work.resolve("one.jpg"), photo);
    Files.write(work.resolve("two.jpg"), photo);
    type("@bob", "/file one.jpg", "/file two.jpg");
    receive("m1", JSON.readTree(outbox.pending().get(0).attachments()));
    receive("m2", JSON.readTree(outbox.pending().get(1).attachments()));
    receive("m2", JSON.readTree(outbox.pending().get(1).attachments())); // redelivered: the same number

    files.close();
    files = new ReceivedFiles(dir.resolve("alice-cli.db"));
    chat = newChat();
    screen.clear();
    type("/files", "/save 2");
    assertThat(screen.get(0)).contains("[file 1] one.jpg");
    assertThat(screen.get(1)).contains("[file 2] two.jpg");
    assertThat(screen).hasSize(3);
    assertThat(screen.get(2)).isEqualTo("(saved " + home.resolve("two.jpg") + ")");
    assertThat(Files.readAllBytes(home.resolve("two.jpg"))).isEqualTo(photo);
  }

  private void receive(String id, JsonNode attachments) {
    ObjectNode raw = JSON.createObjectNode();
    raw.set("attachments", attachments);
    chat.message(1, id, "bob", "dm:alice:bob", "", 0, raw);
  }
}
