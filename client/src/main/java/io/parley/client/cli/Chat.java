package io.parley.client.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.client.Accounts;
import io.parley.client.Incoming;
import io.parley.client.Outbox;
import io.parley.client.ParleyClient;
import io.parley.client.media.Attachment;
import io.parley.client.media.MediaClient;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The command-line chat: type {@code @bob hello} to message bob, {@code #<group id> hello} to message
 * a group, or just {@code hello} to write to whoever you wrote to last. Incoming messages print as
 * they arrive, with every character a sender chose made harmless ({@link Display}). Lines starting
 * with {@code /} are commands ({@code /help} lists them), refused here when unknown or incomplete:
 * nothing mistyped is ever sent. Unsent messages wait in a local SQLite outbox.
 */
public final class Chat implements Incoming {
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());
  private static final String INDENT = "          ";

  /** Where the chat's lines go: above the line being typed. */
  interface Screen {
    void show(String line);
  }

  /** A slash-command; {@code run} returns false to quit. */
  private record Command(String usage, String help, Handler run) {}

  @FunctionalInterface
  private interface Handler {
    boolean run(String args, ParleyClient client) throws Exception;
  }

  private final Screen screen;
  private final Accounts accounts;
  private final String token;
  private final String device;
  private final MediaClient media;
  private final ReceivedFiles files;
  private final UserPaths paths;
  private final Map<String, Command> commands = new LinkedHashMap<>();
  private final List<Long> unread = new ArrayList<>();
  /** What each message still in the outbox was, to say which one a refusal is about. */
  private final Map<String, String> pending = new ConcurrentHashMap<>();
  private volatile String peer;
  private volatile boolean peerIsGroup;
  private volatile boolean quitting;

  Chat(Screen screen, Accounts accounts, String token, String device, MediaClient media, ReceivedFiles files, UserPaths paths) {
    this.screen = screen;
    this.accounts = accounts;
    this.token = token;
    this.device = device;
    this.media = media;
    this.files = files;
    this.paths = paths;
    command("/help", "", "this list", (args, client) -> help());
    command("@user [text]", "", "write to a user; they become the current chat", null);
    command("#group [text]", "", "write to a group (its id, from /groups)", null);
    command("text", "", "write to the current chat; //text sends a line that starts with /", null);
    command("/file", "<path> [caption]", "send a file to the current chat (~ works; quote a path with spaces)",
        this::sendFile);
    command("/files", "", "list the files you received", (args, client) -> listFiles());
    command("/save", "<n> [folder]", "save received file n (default folder: ~/Downloads, else ~; never overwrites)",
        (args, client) -> save(args));
    command("/groups", "", "list your groups", (args, client) -> groups());
    command("/group", "new <name> <user>...", "create a group with these members", (args, client) -> group(args));
    command("/read", "", "tell the senders you read what is on screen", (args, client) -> read(client));
    command("/quit", "", "leave (also /exit, Ctrl-D or Ctrl-C)", (args, client) -> false);
    command("/exit", "", null, (args, client) -> false);
  }

  private void command(String name, String usage, String help, Handler run) {
    commands.put(name, new Command(usage, help, run));
  }

  /** Runs until {@code /quit} or end of input. */
  public static void run(URI server, String token, String me, String device, Path store, Path userDir) throws Exception {
    try (ChatTerminal terminal = ChatTerminal.system();
         Outbox outbox = new Outbox(store);
         ReceivedFiles files = new ReceivedFiles(store)) {
      UserPaths paths = UserPaths.ofThisUser(userDir == null ? null : userDir.toString());
      Chat chat = new Chat(terminal, new Accounts(server), token, device, new MediaClient(server, token), files, paths);
      for (Outbox.Pending p : outbox.pending()) {
        chat.remember(p.id(), "group".equals(p.toKind()), p.to(), p.body());
      }
      try (ParleyClient client = new ParleyClient(ParleyClient.webSocketOf(server), token, outbox, chat)) {
        client.start();
        terminal.show("signed in as " + me + " on device " + device + ". @user hello writes to a user; /help lists the commands.");
        chat.converse(terminal, client);
      }
    }
  }

  /** Reads and handles lines until {@code /quit} or the end of input. */
  void converse(ChatTerminal terminal, ParleyClient client) {
    String line;
    while ((line = terminal.read(prompt())) != null) {
      try {
        if (!command(line, client)) {
          break;
        }
      } catch (Exception e) {
        screen.show("! " + Display.clean(e.toString()));
      }
    }
    quitting = true; // the socket closes next: that is no disconnection to report
  }

  /** The prompt: who a line without an address goes to. */
  String prompt() {
    String to = peer;
    return to == null ? "> " : (peerIsGroup ? "#" : "@") + Display.clean(to) + "> ";
  }

  /** Handles one typed line; false means quit. */
  boolean command(String typed, ParleyClient client) throws Exception {
    String line = typed.strip();
    if (line.isEmpty()) {
      return true;
    }
    if (line.startsWith("//")) {
      sendText(line.substring(1), client);
      return true;
    }
    if (line.startsWith("/")) {
      int space = indexOfSpace(line);
      String name = space < 0 ? line : line.substring(0, space);
      String args = space < 0 ? "" : line.substring(space + 1).strip();
      Command command = commands.get(name);
      if (command == null || command.run() == null) {
        screen.show("! unknown command " + Display.clean(name) + ": /help lists them; to send a line that starts with /, start it with //");
        return true;
      }
      try {
        return command.run().run(args, client);
      } catch (Words.Unclosed e) {
        screen.show("! " + e.getMessage() + ": " + name + " " + command.usage());
        return true;
      }
    }
    if (line.startsWith("@") || line.startsWith("#")) {
      int space = indexOfSpace(line);
      String to = space < 0 ? line.substring(1) : line.substring(1, space);
      if (to.isEmpty()) {
        screen.show("! " + line.charAt(0) + " needs a name: @bob hello, #<group id> hello");
        return true;
      }
      peerIsGroup = line.startsWith("#");
      peer = to;
      String text = space < 0 ? "" : line.substring(space + 1).strip();
      if (!text.isEmpty()) {
        sendText(text, client);
      }
      return true;
    }
    sendText(line, client);
    return true;
  }

  private static int indexOfSpace(String line) {
    for (int i = 0; i < line.length(); i++) {
      if (Character.isWhitespace(line.charAt(i))) {
        return i;
      }
    }
    return -1;
  }

  private void sendText(String text, ParleyClient client) throws SQLException {
    if (peer == null) {
      screen.show("! who to? start with @user or #group");
      return;
    }
    List<String> parts;
    try {
      parts = LongText.parts(text);
    } catch (LongText.TooLong e) {
      screen.show("! not sent: " + e.getMessage());
      return;
    }
    for (String part : parts) {
      if (!send(client, part, List.of())) {
        return;
      }
    }
    if (parts.size() > 1) {
      screen.show(String.format(Locale.ROOT, "(%,d characters sent as %d messages)", text.length(), parts.size()));
    }
  }

  /** Sends one message to the current chat; false when the SDK refused it. */
  private boolean send(ParleyClient client, String body, List<Attachment> attachments) throws SQLException {
    String id;
    try {
      id = client.send(peer, peerIsGroup, body, attachments);
    } catch (IllegalArgumentException e) {
      screen.show("! not sent: " + e.getMessage());
      return false;
    }
    remember(id, peerIsGroup, peer, body);
    if (client.replaced()) {
      screen.show("(not connected: it waits in the outbox for this device's next chat)");
    }
    return true;
  }

  private void remember(String id, boolean group, String to, String body) {
    String preview = body.length() > 24 ? body.substring(0, 24) + "…" : body;
    pending.put(id, (group ? "#" : "@") + to + " \"" + preview + "\"");
  }

  @Override
  public void sent(String id, long at) {
    pending.remove(id);
  }

  private boolean help() {
    StringBuilder out = new StringBuilder("commands:");
    commands.forEach((name, c) -> {
      if (c.help() != null) {
        String usage = c.usage().isEmpty() ? name : name + " " + c.usage();
        out.append(String.format(Locale.ROOT, "%n  %-27s %s", usage, c.help()));
      }
    });
    screen.show(out.toString());
    return true;
  }

  private boolean read(ParleyClient client) {
    synchronized (unread) {
      // Everything up to the newest unread message was on screen: one cumulative read covers it all.
      unread.stream().max(Long::compare).ifPresent(client::markReadUpTo);
      unread.clear();
    }
    return true;
  }

  private boolean groups() throws IOException, InterruptedException {
    JsonNode groups = accounts.myGroups(token).path("groups");
    if (groups.isEmpty()) {
      screen.show("(no groups yet: /group new <name> <user>...)");
    }
    for (JsonNode g : groups) {
      screen.show(groupLine(g));
    }
    return true;
  }

  static String groupLine(JsonNode g) {
    return "  #" + Display.clean(g.path("id").asText()) + "  " + Display.clean(g.path("name").asText())
        + " (" + Display.count(g.path("members").asLong(), "member", "members") + ")";
  }

  private boolean group(String args) throws IOException, InterruptedException {
    List<String> words = Words.split(args);
    if (words.size() < 2 || !words.get(0).equals("new")) {
      screen.show("! usage: /group new <name> <user>...  (a name with spaces in quotes)");
      return true;
    }
    try {
      JsonNode group = accounts.createGroup(token, words.get(1), words.subList(2, words.size()));
      screen.show("created #" + Display.clean(group.path("id").asText()) + ": write to it with #"
          + Display.clean(group.path("id").asText()) + " hello");
    } catch (Accounts.Refused e) {
      screen.show("! " + Display.clean(e.getMessage()));
    }
    return true;
  }

  /** {@code <path> [caption]}: encrypt, hash, upload if needed, then send to the current chat. */
  private boolean sendFile(String args, ParleyClient client) throws Exception {
    String[] pathAndCaption = Words.firstAndRest(args);
    if (pathAndCaption[0] == null) {
      screen.show("! usage: /file <path> [caption]");
      return true;
    }
    if (peer == null) {
      screen.show("! who to? write to @user or #group first");
      return true;
    }
    Path file = paths.resolve(pathAndCaption[0]);
    if (!Files.isRegularFile(file)) {
      screen.show("! no such file: " + Display.clean(file.toString())
          + (pathAndCaption[1].isEmpty() ? "" : "  (a path with spaces goes in quotes: /file \"my cat.jpg\" caption)"));
      return true;
    }
    String mime = Optional.ofNullable(Files.probeContentType(file)).orElse("application/octet-stream");
    try {
      Attachment attachment = media.sendFile(file, mime);
      if (send(client, pathAndCaption[1], List.of(attachment))) {
        screen.show("(sent " + Display.clean(file.getFileName().toString()) + ", " + Display.count(Files.size(file), "byte", "bytes") + ")");
      }
    } catch (IOException e) {
      screen.show("! cannot send " + Display.clean(file.getFileName().toString()) + ": " + Display.clean(e.getMessage()));
    }
    return true;
  }

  private boolean listFiles() throws SQLException {
    List<ReceivedFiles.Received> all = files.all();
    if (all.isEmpty()) {
      screen.show("(no files received yet)");
    }
    for (ReceivedFiles.Received r : all) {
      screen.show(fileLine(r.number(), r.attachment()) + ", from " + Display.clean(r.from()) + " at "
          + TIME.format(Instant.ofEpochMilli(r.at())));
    }
    return true;
  }

  /** {@code <n> [folder]}: downloads received file n, verified and decrypted, into the folder under a name not taken. */
  private boolean save(String args) throws Exception {
    List<String> words = Words.split(args);
    if (words.isEmpty() || words.size() > 2) {
      screen.show("! usage: /save <n> [folder]  (a folder with spaces in quotes)");
      return true;
    }
    Optional<ReceivedFiles.Received> received;
    try {
      received = files.get(Integer.parseInt(words.get(0)));
    } catch (NumberFormatException e) {
      screen.show("! /save takes the number of a received file: /files lists them");
      return true;
    }
    if (received.isEmpty()) {
      screen.show("! no received file " + Display.clean(words.get(0)) + ": /files lists them");
      return true;
    }
    Attachment attachment = received.get().attachment();
    Path folder = words.size() > 1 ? paths.resolve(words.get(1)) : paths.downloads();
    Path target;
    try {
      Files.createDirectories(folder);
      target = UserPaths.claimUnused(folder, safeName(attachment));
    } catch (IOException e) {
      screen.show("! cannot save into " + Display.clean(folder.toString()) + ": " + Display.clean(e.toString()));
      return true;
    }
    try {
      media.download(attachment, target);
      screen.show("(saved " + Display.clean(target.toString()) + ")");
    } catch (IOException e) {
      Files.deleteIfExists(target);
      screen.show("! cannot download: " + Display.clean(e.getMessage()));
    }
    return true;
  }

  /** The sender chose the name: keep only a plain file name, never a path. */
  static String safeName(Attachment attachment) {
    String name = attachment.name() == null ? "" : attachment.name().replaceAll("[^A-Za-z0-9._ -]", "_").strip();
    if (name.isEmpty() || name.startsWith(".")) { // never a hidden file, never ".."
      String asset = attachment.asset().replaceAll("[^0-9a-f]", "");
      name = asset.substring(0, Math.min(12, asset.length())) + name;
    }
    return name.length() > 100 ? name.substring(0, 100) : name;
  }

  private static String fileLine(int n, Attachment attachment) {
    return INDENT + "[file " + n + "] " + safeName(attachment) + ", " + Display.count(Display.plainSize(attachment), "byte", "bytes")
        + ", " + Display.clean(attachment.mime());
  }

  @Override
  public void message(long seq, String id, String from, String conversation, String body, long at, JsonNode raw) {
    synchronized (unread) {
      unread.add(seq);
    }
    String where = conversation.startsWith("group:") ? " #" + Display.clean(conversation.substring("group:".length())) : "";
    screen.show("[" + TIME.format(Instant.ofEpochMilli(at)) + "]" + where + " " + Display.clean(from) + ": " + Display.body(body));
    int position = 0;
    for (JsonNode a : raw.path("attachments")) {
      try {
        Attachment attachment = Attachment.fromJson(a);
        int n = files.add(id, position, from, at, attachment);
        screen.show(fileLine(n, attachment) + ": /save " + n);
      } catch (RuntimeException | SQLException e) {
        screen.show(INDENT + "(an attachment this chat cannot keep: " + Display.clean(e.getMessage()) + ")");
      }
      position++;
    }
  }

  @Override
  public void receipt(long seq, String messageId, String by, String status, long at) {
    screen.show(INDENT + ("read".equals(status) ? "✓✓ " : "✓ ") + Display.clean(status) + " by " + Display.clean(by));
  }

  @Override
  public void error(String code, String message, String ref) {
    String about = ref == null ? null : pending.get(ref);
    if (ref != null && ParleyClient.isPermanent(code)) {
      pending.remove(ref);
      screen.show("! not sent" + (about == null ? "" : " " + Display.clean(about)) + ": " + Display.clean(message)
          + " (" + Display.clean(code) + "); it is out of the outbox");
    } else {
      screen.show("! " + Display.clean(code) + ": " + Display.clean(message)
          + (about == null ? "" : " (" + Display.clean(about) + " will be sent again)"));
    }
  }

  @Override
  public void connected() {
    screen.show("(connected)");
  }

  @Override
  public void disconnected(int code, String reason) {
    if (quitting) {
      return;
    }
    if (code == ParleyClient.CLOSE_REPLACED) {
      screen.show("! device " + Display.clean(device) + " of this user connected again elsewhere, or signed out: this chat"
          + " stays disconnected. Give each chat its own device (./parley chat <user> --device <name>); /quit to leave.");
      return;
    }
    screen.show("(disconnected" + (reason == null || reason.isBlank() ? "" : ": " + Display.clean(reason)) + "; reconnecting)");
  }
}
