package io.parley.client.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.client.Accounts;
import io.parley.client.Incoming;
import io.parley.client.Outbox;
import io.parley.client.ParleyClient;
import io.parley.client.media.Attachment;
import io.parley.client.media.MediaClient;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Optional;

/**
 * The command-line chat: type {@code @bob hello} to message bob, {@code #<group id> hello} to message
 * a group, or just {@code hello} to write to whoever you wrote to last. Incoming messages print as
 * they arrive; {@code /read} tells their senders you saw them; {@code /group new <name> <user>...}
 * creates a group, {@code /groups} lists yours, {@code /quit} leaves. {@code /file <path> [caption]}
 * sends a file (encrypted on this device, uploaded only if nobody uploaded the same bytes before);
 * a received file is listed with a number and {@code /save <number> [folder]} downloads and decrypts
 * it. Unsent messages wait in a local SQLite outbox.
 */
public final class Chat implements Incoming {
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());

  private final PrintStream out;
  private final Accounts accounts;
  private final String token;
  private final MediaClient media;
  private final java.util.List<Long> unread = new java.util.ArrayList<>();
  private final java.util.List<Attachment> received = new java.util.ArrayList<>();
  private String peer;
  private boolean peerIsGroup;

  Chat(PrintStream out, Accounts accounts, String token, MediaClient media) {
    this.out = out;
    this.accounts = accounts;
    this.token = token;
    this.media = media;
  }

  /** Runs until {@code /quit} or end of input. */
  public static void run(URI server, String token, String me, Path store) throws Exception {
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    Chat chat = new Chat(out, new Accounts(server), token, new MediaClient(server, token));
    try (Outbox outbox = new Outbox(store);
         ParleyClient client = new ParleyClient(ParleyClient.webSocketOf(server), token, outbox, chat)) {
      client.start();
      out.println("signed in as " + me + ". @user or #group message to chat; /file <path> [caption], /save <n> [folder],"
          + " /groups, /group new <name> <user>..., /read, /quit.");
      BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      String line;
      while ((line = in.readLine()) != null) {
        if (!chat.command(line.strip(), client)) {
          break;
        }
      }
    }
  }

  /** Handles one typed line; false means quit. */
  boolean command(String line, ParleyClient client) throws Exception {
    if (line.isEmpty()) {
      return true;
    }
    if (line.equals("/quit")) {
      return false;
    }
    if (line.equals("/read")) {
      synchronized (unread) {
        // Everything up to the newest unread message was on screen: one cumulative read covers it all.
        unread.stream().max(Long::compare).ifPresent(client::markReadUpTo);
        unread.clear();
      }
      return true;
    }
    if (line.equals("/groups")) {
      for (JsonNode g : accounts.myGroups(token).path("groups")) {
        out.printf("  #%s  %s (%d members)%n", g.get("id").asText(), g.get("name").asText(), g.get("members").asInt());
      }
      return true;
    }
    if (line.startsWith("/group new ")) {
      String[] words = line.substring("/group new ".length()).strip().split("\\s+");
      try {
        JsonNode group = accounts.createGroup(token, words[0], java.util.List.of(words).subList(1, words.length));
        out.printf("created #%s%n", group.get("id").asText());
      } catch (Accounts.Refused e) {
        out.println("! " + e.getMessage());
      }
      return true;
    }
    if (line.startsWith("/file ")) {
      sendFile(line.substring("/file ".length()).strip(), client);
      return true;
    }
    if (line.startsWith("/save ")) {
      save(line.substring("/save ".length()).strip().split("\\s+", 2));
      return true;
    }
    String text = line;
    if (line.startsWith("@") || line.startsWith("#")) {
      int space = line.indexOf(' ');
      peerIsGroup = line.startsWith("#");
      peer = space < 0 ? line.substring(1) : line.substring(1, space);
      text = space < 0 ? "" : line.substring(space + 1).strip();
    }
    if (peer == null) {
      out.println("who to? start with @user or #group");
      return true;
    }
    if (!text.isEmpty()) {
      if (peerIsGroup) {
        client.sendToGroup(peer, text);
      } else {
        client.send(peer, text);
      }
    }
    return true;
  }

  /** {@code <path> [caption]}: encrypt, hash, upload if needed, then send to the current chat. */
  private void sendFile(String args, ParleyClient client) throws Exception {
    if (peer == null) {
      out.println("who to? write to @user or #group first");
      return;
    }
    int space = args.indexOf(' ');
    Path file = Path.of(space < 0 ? args : args.substring(0, space));
    String caption = space < 0 ? "" : args.substring(space + 1).strip();
    if (!Files.isRegularFile(file)) {
      out.println("! no such file: " + file);
      return;
    }
    String mime = Optional.ofNullable(Files.probeContentType(file)).orElse("application/octet-stream");
    try {
      Attachment attachment = media.sendFile(file, mime);
      client.send(peer, peerIsGroup, caption, java.util.List.of(attachment));
      out.printf("(sent %s, %d bytes)%n", file.getFileName(), Files.size(file));
    } catch (java.io.IOException e) {
      out.println("! cannot send " + file.getFileName() + ": " + e.getMessage());
    }
  }

  /** {@code <n> [folder]}: downloads received file n, verified and decrypted, into the folder (default: here). */
  private void save(String[] args) throws Exception {
    Attachment attachment;
    synchronized (received) {
      int n;
      try {
        n = Integer.parseInt(args[0]);
      } catch (NumberFormatException e) {
        out.println("! /save takes the number of a received file");
        return;
      }
      if (n < 1 || n > received.size()) {
        out.println("! no received file " + n);
        return;
      }
      attachment = received.get(n - 1);
    }
    Path folder = Path.of(args.length > 1 ? args[1] : ".");
    Files.createDirectories(folder);
    try {
      Path saved = media.download(attachment, folder.resolve(safeName(attachment)));
      out.println("(saved " + saved + ")");
    } catch (java.io.IOException e) {
      out.println("! cannot download: " + e.getMessage());
    }
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

  @Override
  public void message(long seq, String id, String from, String conversation, String body, long at, JsonNode raw) {
    synchronized (unread) {
      unread.add(seq);
    }
    String where = conversation.startsWith("group:") ? " #" + conversation.substring("group:".length()) : "";
    out.printf("[%s]%s %s: %s%n", TIME.format(Instant.ofEpochMilli(at)), where, from, body);
    for (JsonNode a : raw.path("attachments")) {
      Attachment attachment;
      try {
        attachment = Attachment.fromJson(a);
      } catch (RuntimeException e) {
        out.println("          (an attachment this client cannot read)");
        continue;
      }
      int n;
      synchronized (received) {
        received.add(attachment);
        n = received.size();
      }
      out.printf("          [file %d] %s, %d bytes, %s: /save %d%n", n, safeName(attachment), attachment.size(),
          attachment.mime(), n);
    }
  }

  @Override
  public void receipt(long seq, String messageId, String by, String status, long at) {
    out.printf("          %s %s by %s%n", "read".equals(status) ? "✓✓" : "✓", status, by);
  }

  @Override
  public void error(String code, String message, String ref) {
    out.printf("! %s: %s%n", code, message);
  }

  @Override
  public void connected() {
    out.println("(connected)");
  }

  @Override
  public void disconnected(int code, String reason) {
    out.println("(disconnected: " + reason + "; reconnecting)");
  }
}
