package io.parley.history;

import java.util.Locale;

/** Whether the server keeps message history. */
public enum HistoryMode {
  /** Messenger: every message is kept in Cassandra and readable through the history API. */
  PERMANENT,
  /** WhatsApp: nothing is kept after delivery; the history endpoints answer 404 {@code history_disabled}. */
  EPHEMERAL;

  public static HistoryMode parse(String value) {
    try {
      return valueOf(value.strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("setting history.mode must be permanent or ephemeral, was '" + value + "'");
    }
  }

  public String setting() {
    return name().toLowerCase(Locale.ROOT);
  }
}
