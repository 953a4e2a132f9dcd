package io.parley.gateway.frames;

import java.util.List;

/** A client frame that passed validation. */
public sealed interface Inbound {

  String type();

  /** Exactly one of {@code toUser} and {@code toGroup} is set. */
  record Send(String id, String toUser, String toGroup, String body, List<AttachmentRef> attachments) implements Inbound {
    public String type() {
      return "send";
    }
  }

  record AttachmentRef(String asset, String mime, long size, String key, String name) {}

  /** @param upTo the device has every deliverable up to and including {@code seq} (read: saw every message up to it) */
  record Ack(long seq, boolean read, boolean upTo) implements Inbound {
    public String type() {
      return "ack";
    }
  }

  record Sync(long after) implements Inbound {
    public String type() {
      return "sync";
    }
  }

  record Heartbeat() implements Inbound {
    public String type() {
      return "heartbeat";
    }
  }

  /** @param name one of {@link io.parley.gateway.events.AppEvents#CLIENT_NAMES} */
  record Event(String name) implements Inbound {
    public String type() {
      return "event";
    }
  }
}
