package io.parley.bench.load;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/**
 * The protocol frames the load generator writes and reads. Frames are built and read with the
 * streaming API rather than a tree: on a 2-core machine the generator's CPU is taken from the
 * system it measures, so it should spend as little as a lean real client would.
 */
final class Frames {
  private static final JsonFactory JSON = new JsonFactory();

  private Frames() {}

  /** What the generator needs of a server frame; fields a frame lacks stay null or -1. */
  record Inbound(String type, long seq, String id, String from, String body, String status, String code, String ref) {}

  static String send(String id, Address to, String body) {
    // Ids, user and group ids and bodies are generated here from [A-Za-z0-9:-] and digits: nothing to escape.
    String kind = to.kind() == Address.Kind.GROUP ? "group" : "user";
    return "{\"type\":\"send\",\"id\":\"" + id + "\",\"to\":{\"" + kind + "\":\"" + to.id() + "\"},\"body\":\"" + body
        + "\"}";
  }

  /** The device has every deliverable up to {@code seq}. */
  static String ackUpTo(long seq) {
    return "{\"type\":\"ack\",\"upTo\":" + seq + ",\"status\":\"delivered\"}";
  }

  static Inbound parse(String text) {
    String type = null;
    long seq = -1;
    String id = null;
    String from = null;
    String body = null;
    String status = null;
    String code = null;
    String ref = null;
    try (JsonParser p = JSON.createParser(text)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new IllegalArgumentException("not a JSON object: " + text);
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        if (value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY) {
          p.skipChildren();
          continue;
        }
        switch (field) {
          case "type" -> type = p.getText();
          case "seq" -> seq = p.getLongValue();
          case "id" -> id = p.getText();
          case "from" -> from = p.getText();
          case "body" -> body = p.getText();
          case "status" -> status = p.getText();
          case "code" -> code = p.getText();
          case "ref" -> ref = p.getText();
          default -> { }
        }
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("server sent invalid JSON: " + text, e);
    }
    return new Inbound(type, seq, id, from, body, status, code, ref);
  }
}
