package io.parley.gateway.frames;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.parley.schemas.Attachment;
import io.parley.schemas.ChatMessage;
import io.parley.schemas.Delivery;
import io.parley.schemas.Notice;
import io.parley.schemas.Receipt;
import io.parley.schemas.ReceiptStatus;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Locale;

/** Writes the server → client frames of the protocol. */
public final class OutboundFrames {
  private static final JsonFactory JSON = new JsonFactory();

  private OutboundFrames() {}

  public static String sent(String id, long at) {
    return write(g -> {
      g.writeStringField("type", "sent");
      g.writeStringField("id", id);
      g.writeNumberField("at", at);
    });
  }

  public static String error(ErrorCode code, String message, String ref) {
    return error(code.wire(), message, ref);
  }

  public static String error(String code, String message, String ref) {
    return write(g -> {
      g.writeStringField("type", "error");
      g.writeStringField("code", code);
      g.writeStringField("message", message);
      if (ref != null) {
        g.writeStringField("ref", ref);
      }
    });
  }

  /** The frame for a delivery: a message, a receipt, or (for a notice) an error. */
  public static String delivery(Delivery d) {
    if (d.getNotice() != null) {
      Notice n = d.getNotice();
      return error(n.getCode(), n.getMessage(), n.getRef());
    }
    Object payload = d.getEnvelope().getPayload();
    if (payload instanceof ChatMessage m) {
      return message(d.getSeq(), m);
    }
    return receipt(d.getSeq(), (Receipt) payload);
  }

  /** The frame type name of a delivery, for metrics. */
  public static String typeOf(Delivery d) {
    if (d.getNotice() != null) {
      return "error";
    }
    return d.getEnvelope().getPayload() instanceof ChatMessage ? "message" : "receipt";
  }

  static String message(long seq, ChatMessage m) {
    return write(g -> {
      g.writeStringField("type", "message");
      g.writeNumberField("seq", seq);
      g.writeStringField("id", m.getId());
      g.writeStringField("from", m.getFrom());
      g.writeStringField("conversation", m.getConversation());
      if (m.getGroup() != null) {
        g.writeStringField("group", m.getGroup());
      }
      g.writeStringField("body", m.getBody());
      g.writeNumberField("at", m.getSentAt());
      g.writeArrayFieldStart("attachments");
      for (Attachment a : m.getAttachments()) {
        g.writeStartObject();
        g.writeStringField("asset", a.getAsset());
        g.writeStringField("mime", a.getMime());
        g.writeNumberField("size", a.getSize());
        if (a.getKey() != null) {
          g.writeStringField("key", a.getKey());
        }
        if (a.getName() != null) {
          g.writeStringField("name", a.getName());
        }
        g.writeEndObject();
      }
      g.writeEndArray();
    });
  }

  static String receipt(long seq, Receipt r) {
    return write(g -> {
      g.writeStringField("type", "receipt");
      g.writeNumberField("seq", seq);
      g.writeStringField("id", r.getMessageId());
      g.writeStringField("conversation", r.getConversation());
      g.writeStringField("by", r.getBy());
      g.writeStringField("status", r.getStatus() == ReceiptStatus.READ ? "read" : r.getStatus().name().toLowerCase(Locale.ROOT));
      g.writeNumberField("at", r.getAt());
    });
  }

  private interface Fields {
    void write(JsonGenerator g) throws IOException;
  }

  private static String write(Fields fields) {
    StringWriter out = new StringWriter(128);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      fields.write(g);
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write a frame", e);
    }
    return out.toString();
  }
}
