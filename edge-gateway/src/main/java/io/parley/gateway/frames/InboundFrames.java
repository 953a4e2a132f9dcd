package io.parley.gateway.frames;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.parley.gateway.events.AppEvents;
import io.parley.model.Ids;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Turns the text of one client frame into an {@link Inbound}, or refuses it with the error code the
 * protocol documents. Unknown fields are ignored, so newer clients can add fields; unknown types are
 * refused.
 */
public final class InboundFrames {
  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
  private static final Pattern MIME = Pattern.compile("[a-z0-9][a-z0-9!#$&^_.+-]{0,63}/[a-z0-9][a-z0-9!#$&^_.+-]{0,63}");
  private static final int MAX_KEY = 1024;
  private static final int MAX_NAME = 255;
  /** Assets larger than this cannot exist (the asset service's ceiling is lower). */
  private static final long MAX_ASSET_SIZE = 1L << 40;

  private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(16).maxNumberLength(32).build())
      .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .build());

  private final int maxBodyChars;
  private final int maxAttachments;

  public InboundFrames(int maxBodyChars, int maxAttachments) {
    this.maxBodyChars = maxBodyChars;
    this.maxAttachments = maxAttachments;
  }

  public Inbound parse(String text) throws FrameException {
    JsonNode root;
    try {
      root = JSON.readTree(text);
    } catch (JsonProcessingException e) {
      throw new FrameException(ErrorCode.BAD_REQUEST, "frame is not valid JSON");
    }
    if (root == null || !root.isObject()) {
      throw new FrameException(ErrorCode.BAD_REQUEST, "frame must be a JSON object");
    }
    JsonNode type = root.get("type");
    if (type == null || !type.isTextual()) {
      throw new FrameException(ErrorCode.BAD_REQUEST, "frame needs a string \"type\"");
    }
    return switch (type.asText()) {
      case "send" -> send(root);
      case "ack" -> ack(root);
      case "sync" -> sync(root);
      case "heartbeat" -> new Inbound.Heartbeat();
      case "event" -> event(root);
      default -> throw new FrameException(ErrorCode.BAD_REQUEST, "unknown frame type \"" + clip(type.asText()) + "\"");
    };
  }

  private Inbound.Send send(JsonNode root) throws FrameException {
    JsonNode idNode = root.get("id");
    if (idNode == null || !idNode.isTextual() || !Ids.isMessage(idNode.asText())) {
      throw new FrameException(ErrorCode.BAD_REQUEST, "send needs an \"id\": the client message id (a UUID)");
    }
    String id = idNode.asText();
    JsonNode to = root.get("to");
    if (to == null || !to.isObject()) {
      throw new FrameException(ErrorCode.BAD_REQUEST, "send needs \"to\": {\"user\": U} or {\"group\": G}", id);
    }
    JsonNode user = to.get("user");
    JsonNode group = to.get("group");
    if ((user == null) == (group == null)) {
      throw new FrameException(ErrorCode.BAD_REQUEST, "\"to\" names exactly one of user or group", id);
    }
    String toUser = null;
    String toGroup = null;
    if (user != null) {
      if (!user.isTextual() || !Ids.isUser(user.asText())) {
        throw new FrameException(ErrorCode.BAD_REQUEST, "\"to.user\" is not a user id", id);
      }
      toUser = user.asText();
    } else {
      if (!group.isTextual() || !Ids.isGroup(group.asText())) {
        throw new FrameException(ErrorCode.BAD_REQUEST, "\"to.group\" is not a group id", id);
      }
      toGroup = group.asText();
    }
    List<Inbound.AttachmentRef> attachments = attachments(root.get("attachments"), id);
    JsonNode bodyNode = root.get("body");
    String body;
    if (bodyNode == null || bodyNode.isNull()) {
      body = "";
    } else if (bodyNode.isTextual()) {
      body = bodyNode.asText();
    } else {
      throw new FrameException(ErrorCode.BAD_REQUEST, "\"body\" must be a string", id);
    }
    if (body.isEmpty() && attachments.isEmpty()) {
      throw new FrameException(ErrorCode.BAD_REQUEST, "a message needs a body or an attachment", id);
    }
    if (body.length() > maxBodyChars) {
      throw new FrameException(ErrorCode.TOO_LARGE, "body longer than " + maxBodyChars + " characters", id);
    }
    return new Inbound.Send(id, toUser, toGroup, body, attachments);
  }

  private List<Inbound.AttachmentRef> attachments(JsonNode node, String id) throws FrameException {
    List<Inbound.AttachmentRef> out = new ArrayList<>();
    if (node == null || node.isNull()) {
      return out;
    }
    if (!node.isArray()) {
      throw new FrameException(ErrorCode.BAD_REQUEST, "\"attachments\" must be an array", id);
    }
    if (node.size() > maxAttachments) {
      throw new FrameException(ErrorCode.TOO_LARGE, "at most " + maxAttachments + " attachments", id);
    }
    for (JsonNode a : node) {
      if (!a.isObject()) {
        throw new FrameException(ErrorCode.BAD_REQUEST, "each attachment is an object", id);
      }
      String asset = text(a, "asset", id);
      if (!SHA256.matcher(asset).matches()) {
        throw new FrameException(ErrorCode.BAD_REQUEST, "attachment \"asset\" is a lower-case hex SHA-256", id);
      }
      String mime = text(a, "mime", id);
      if (!MIME.matcher(mime).matches()) {
        throw new FrameException(ErrorCode.BAD_REQUEST, "attachment \"mime\" is not a media type", id);
      }
      JsonNode size = a.get("size");
      if (size == null || !size.canConvertToExactIntegral() || size.asLong() < 0 || size.asLong() > MAX_ASSET_SIZE) {
        throw new FrameException(ErrorCode.BAD_REQUEST, "attachment \"size\" is a byte count", id);
      }
      String key = optionalText(a, "key", MAX_KEY, id);
      String name = optionalText(a, "name", MAX_NAME, id);
      out.add(new Inbound.AttachmentRef(asset, mime, size.asLong(), key, name));
    }
    return out;
  }

  private static Inbound.Ack ack(JsonNode root) throws FrameException {
    if (root.has("seq") == root.has("upTo")) {
      throw new FrameException(ErrorCode.BAD_REQUEST, "ack needs either \"seq\" (one deliverable) or \"upTo\" (everything up to it)");
    }
    boolean upTo = root.has("upTo");
    long seq = positiveLong(root, upTo ? "upTo" : "seq", 1);
    JsonNode status = root.get("status");
    if (status == null || !status.isTextual() || !(status.asText().equals("delivered") || status.asText().equals("read"))) {
      throw new FrameException(ErrorCode.BAD_REQUEST, "ack needs \"status\": \"delivered\" or \"read\"");
    }
    return new Inbound.Ack(seq, status.asText().equals("read"), upTo);
  }

  private static Inbound.Event event(JsonNode root) throws FrameException {
    JsonNode name = root.get("name");
    if (name == null || !name.isTextual()) {
      throw new FrameException(ErrorCode.BAD_REQUEST, "event needs a string \"name\": app_foreground or app_background");
    }
    if (!AppEvents.CLIENT_NAMES.contains(name.asText())) {
      throw new FrameException(ErrorCode.BAD_REQUEST,
          "unknown event \"" + clip(name.asText()) + "\"; the names are app_foreground and app_background");
    }
    return new Inbound.Event(name.asText());
  }

  private static Inbound.Sync sync(JsonNode root) throws FrameException {
    return new Inbound.Sync(root.has("after") ? positiveLong(root, "after", 0) : 0L);
  }

  private static long positiveLong(JsonNode root, String field, long min) throws FrameException {
    JsonNode n = root.get(field);
    if (n == null || !n.isIntegralNumber() || !n.canConvertToLong() || n.asLong() < min) {
      throw new FrameException(ErrorCode.BAD_REQUEST, "\"" + field + "\" must be an integer >= " + min);
    }
    return n.asLong();
  }

  private static String text(JsonNode obj, String field, String id) throws FrameException {
    JsonNode n = obj.get(field);
    if (n == null || !n.isTextual()) {
      throw new FrameException(ErrorCode.BAD_REQUEST, "attachment needs a string \"" + field + "\"", id);
    }
    return n.asText();
  }

  private static String optionalText(JsonNode obj, String field, int max, String id) throws FrameException {
    JsonNode n = obj.get(field);
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isTextual() || n.asText().length() > max) {
      throw new FrameException(ErrorCode.BAD_REQUEST, "attachment \"" + field + "\" is a string of at most " + max + " characters", id);
    }
    return n.asText();
  }

  private static String clip(String s) {
    return s.length() <= 32 ? s : s.substring(0, 32) + "…";
  }
}
