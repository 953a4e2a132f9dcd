package io.parley.client;

import com.fasterxml.jackson.databind.JsonNode;

/** What the server sends a client, already de-duplicated by seq. */
public interface Incoming {
  /** A message for this user (or a receipt about one it sent); raw carries every protocol field. */
  default void message(long seq, String id, String from, String conversation, String body, long at, JsonNode raw) {}

  default void receipt(long seq, String messageId, String by, String status, long at) {}

  /** The server acknowledged a message as durably stored. */
  default void sent(String id, long at) {}

  default void error(String code, String message, String ref) {}

  default void connected() {}

  default void disconnected(int code, String reason) {}
}
