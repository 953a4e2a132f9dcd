package io.parley.client.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.client.Accounts;
import io.parley.client.Incoming;
import io.parley.client.Outbox;
import io.parley.client.ParleyClient;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * The command-line chat: type {@code @bob hello} to message bob, {@code #<group id> hello} to message
 * a group, or just {@code hello} to write to whoever you wrote to last. Incoming messages print as
 * they arrive; {@code /read} tells their senders you saw them; {@code /group new <name> <user>...}
 * creates a group, {@code /groups} lists yours, {@code /quit} leaves. Unsent messages wait in a local
 * SQLite outbox.
 */
public final class Chat implements Incoming {
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());

  private final PrintStream out;
  private final Accounts accounts;
  private final String token;
  private final java.util.List<Long> unread = new java.util.ArrayList<>();
  private String peer;
  private boolean peerIsGroup;

  Chat(PrintStream out, Accounts accounts, String token) {
    this.out = out;
    this.accounts = accounts;
    this.token = token;
  }

  /** Runs until {@code /quit} or end of input. */
  public static void run(URI server, String token, String me, Path store) throws Exception {
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    Chat chat = new Chat(out, new Accounts(server), token);
    try (Outbox outbox = new Outbox(store);
         ParleyClient client = new ParleyClient(ParleyClient.webSocketOf(server), token, outbox, chat)) {
      client.start();
      out.println("signed in as " + me + ". @user or #group message to chat; /groups, /group new <name> <user>..., /read, /quit.");
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
        unread.forEach(client::markRead);
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

  @Override
  public void message(long seq, String id, String from, String conversation, String body, long at, JsonNode raw) {
    synchronized (unread) {
      unread.add(seq);
    }
    String where = conversation.startsWith("group:") ? " #" + conversation.substring("group:".length()) : "";
    out.printf("[%s]%s %s: %s%n", TIME.format(Instant.ofEpochMilli(at)), where, from, body);
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
