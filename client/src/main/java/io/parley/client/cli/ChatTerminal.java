package io.parley.client.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

/**
 * The chat's terminal, through JLine: a line editor (arrows, history, bracketed paste, no limit on a
 * line's length), a prompt naming the current chat, and incoming lines printed above the line being
 * typed, which is then drawn again as it was. History lives in memory only: it holds messages.
 */
final class ChatTerminal implements Chat.Screen, AutoCloseable {
  private final Terminal terminal;
  private final LineReader reader;

  ChatTerminal(Terminal terminal) {
    this.terminal = terminal;
    this.reader = LineReaderBuilder.builder()
        .terminal(terminal)
        .appName("parley")
        // A message is not a shell line: "!" is not history expansion and a backslash is kept as typed.
        .option(LineReader.Option.DISABLE_EVENT_EXPANSION, true)
        .option(LineReader.Option.INSERT_TAB, true)
        .build();
  }

  /** The terminal this process runs in; a plain line reader when input is not a terminal (a script). */
  static ChatTerminal system() throws IOException {
    return new ChatTerminal(TerminalBuilder.builder().system(true).dumb(true).encoding(StandardCharsets.UTF_8).build());
  }

  @Override
  public void show(String line) {
    reader.printAbove(line);
  }

  /** The next line typed, or null when input ends (Ctrl-D) or the user interrupts (Ctrl-C). */
  String read(String prompt) {
    try {
      return reader.readLine(prompt);
    } catch (EndOfFileException | UserInterruptException e) {
      return null;
    }
  }

  @Override
  public void close() throws IOException {
    terminal.close();
  }
}
