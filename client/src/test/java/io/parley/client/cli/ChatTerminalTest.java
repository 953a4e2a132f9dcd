package io.parley.client.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.parley.client.Incoming;
import io.parley.client.Outbox;
import io.parley.client.ParleyClient;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The chat in a terminal (an xterm JLine drives through pipes): editing, history, lines arriving while one types. */
@Timeout(60)
class ChatTerminalTest {
  private static final String LEFT = "\u001bOD"; // what an xterm sends in the keypad mode JLine sets
  private static final String UP = "\u001bOA";
  /** How a terminal in bracketed-paste mode (JLine asks for it) hands over pasted text. */
  private static final String PASTE_START = "\u001b[200~";
  private static final String PASTE_END = "\u001b[201~";
  /** Ends the conversation. (Not Ctrl-D: between two lines the pipe's line discipline would take it for the end of input.) */
  private static final String QUIT = "/quit\r";

  @TempDir
  Path dir;

  static Terminal xterm(java.io.InputStream in, java.io.OutputStream out) throws Exception {
    return TerminalBuilder.builder().system(false).streams(in, out).type("xterm-256color")
        .encoding(StandardCharsets.UTF_8).size(new org.jline.terminal.Size(120, 40)).build();
  }

  /** Types {@code keys} into a terminal running the chat, to the end of input; returns what the terminal showed. */
  static String converse(Chat chat, ParleyClient client, String keys) throws Exception {
    ByteArrayOutputStream shown = new ByteArrayOutputStream();
    try (ChatTerminal terminal = new ChatTerminal(xterm(new ByteArrayInputStream(keys.getBytes(StandardCharsets.UTF_8)), shown))) {
      chat.converse(terminal, client);
    }
    return shown.toString(StandardCharsets.UTF_8);
  }

  private List<String> typed(String keys) throws Exception {
    try (Outbox outbox = new Outbox(dir.resolve("c.db"));
         ReceivedFiles files = new ReceivedFiles(dir.resolve("c.db"));
         ParleyClient client = new ParleyClient(URI.create("ws://127.0.0.1:9/v1/ws"), "t", outbox, new Incoming() { })) {
      Chat chat = new Chat(line -> { }, null, "t", "cli", null, files, new UserPaths(dir, dir));
      converse(chat, client, keys + QUIT);
      return outbox.pending().stream().map(Outbox.Pending::body).toList();
    }
  }

  @Test
  void shouldEditWithArrowKeysAndRecallTheLastLineWithUp() throws Exception {
    assertThat(typed("@bob hello" + LEFT + LEFT + "X\r" + UP + "!\r"))
        .containsExactly("helXlo", "helXlo!");
  }

  @Test
  void shouldSendWhatWasTypedExactly() throws Exception {
    assertThat(typed("@bob don't say \"hi!\" \\o/ C:\\temp\r")).containsExactly("don't say \"hi!\" \\o/ C:\\temp");
  }

  @Test
  void shouldTakeALongMultiLinePasteWholeAsOneText() throws Exception {
    // A terminal's own line editing cuts a line at 4,095 bytes (so a paste arrived cut to 4,085
    // characters); JLine reads a bracketed paste whole, line breaks included, and the chat splits it.
    String paste = ("a pasted line " + "z".repeat(186) + "\n").repeat(100).strip(); // 19,999 characters
    List<String> sent = typed("@bob " + PASTE_START + paste + PASTE_END + "\r");
    assertThat(sent).hasSize(5);
    assertThat(String.join("", sent)).isEqualTo(paste);
  }

  @Test
  void shouldKeepTheLineBeingTypedWhenAMessageArrives() throws Exception {
    PipedOutputStream keys = new PipedOutputStream();
    PipedInputStream in = new PipedInputStream(keys, 1 << 16);
    ByteArrayOutputStream shown = new ByteArrayOutputStream();
    try (Outbox outbox = new Outbox(dir.resolve("c.db"));
         ReceivedFiles files = new ReceivedFiles(dir.resolve("c.db"));
         ParleyClient client = new ParleyClient(URI.create("ws://127.0.0.1:9/v1/ws"), "t", outbox, new Incoming() { });
         ChatTerminal terminal = new ChatTerminal(xterm(in, shown))) {
      Chat chat = new Chat(terminal, null, "t", "cli", null, files, new UserPaths(dir, dir));
      Thread reading = new Thread(() -> chat.converse(terminal, client));
      reading.start();
      keys.write("@bob\rhalf a sen".getBytes(StandardCharsets.UTF_8));
      keys.flush();
      await().atMost(Duration.ofSeconds(20)).until(() -> shown.toString(StandardCharsets.UTF_8).contains("@bob> half a sen"));
      int before = shown.size();

      chat.message(1, "m1", "carol", "dm:alice:carol", "hi there", 0, new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode());
      // the terminal writes on its own thread: the message is printed, then the prompt and the
      // half-typed line are drawn again below it
      await().atMost(Duration.ofSeconds(20)).until(() -> {
        String after = shown.toString(StandardCharsets.UTF_8).substring(before);
        return after.contains("carol: hi there") && after.substring(after.indexOf("carol: hi there")).contains("@bob> half a sen");
      });

      keys.write(("tence\r" + QUIT).getBytes(StandardCharsets.UTF_8));
      keys.close();
      reading.join();
      assertThat(outbox.pending()).extracting(Outbox.Pending::body).containsExactly("half a sentence");
    }
  }
}
