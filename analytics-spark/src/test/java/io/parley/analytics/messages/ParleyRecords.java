package io.parley.analytics.messages;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;

/** Encodes stored messages the way the topology writes them to {@code messages}, under any StoredMessage schema. */
public final class ParleyRecords {
  private ParleyRecords() {}

  public static byte[] current(String sender, String id, String conversation, String body, long sentAt) {
    return encode(ParleySchemas.storedMessage(), sender, id, conversation, body, sentAt);
  }

  /** Under the first StoredMessage schema (no recipients), as records written before it changed are. */
  public static byte[] firstVersion(String sender, String id, String conversation, String body, long sentAt) {
    return encode(ParleySchemas.olderStoredMessages().get(0), sender, id, conversation, body, sentAt);
  }

  public static byte[] encode(Schema schema, String sender, String id, String conversation, String body, long sentAt) {
    Schema chat = schema.getField("message").schema();
    GenericRecord message = new GenericData.Record(chat);
    message.put("id", id);
    message.put("from", sender);
    message.put("fromDevice", "phone");
    message.put("conversation", conversation);
    message.put("body", body);
    message.put("sentAt", sentAt);
    message.put("attachments", List.of());
    message.put("group", null);
    GenericRecord stored = new GenericData.Record(schema);
    stored.put("message", message);
    stored.put("storedAt", sentAt + 3);
    if (schema.getField("recipients") != null) {
      stored.put("recipients", List.of());
    }
    try {
      ByteBuffer buffer = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), schema).encode(stored);
      byte[] bytes = new byte[buffer.remaining()];
      buffer.get(bytes);
      return bytes;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** An AppEvent as the gateways and the directory write it to {@code events}. */
  public static byte[] event(String user, String name, long at, String session) {
    Schema schema = ParleySchemas.appEvent();
    GenericRecord event = new GenericData.Record(schema);
    event.put("user", user);
    event.put("device", "phone");
    event.put("name", name);
    event.put("at", at);
    event.put("session", session);
    event.put("source", session == null ? "directory" : "gateway-gw-1");
    try {
      ByteBuffer buffer = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), schema).encode(event);
      byte[] bytes = new byte[buffer.remaining()];
      buffer.get(bytes);
      return bytes;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A valid record whose fingerprint names a schema no Parley version ever had. */
  public static byte[] unknownFingerprint() {
    byte[] bytes = current("alice", "m-x", "dm:alice:bob", "hello", 1L);
    for (int i = 2; i < 10; i++) {
      bytes[i] = (byte) ~bytes[i];
    }
    return bytes;
  }
}
