package io.parley.client.media;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One attachment of a {@code send} frame, as the protocol spells it.
 *
 * @param asset the asset id: lower-case hex SHA-256 of the uploaded (encrypted) bytes
 * @param mime the media type of the plaintext, for the recipient's app
 * @param size bytes of the asset as stored and downloaded (the encrypted file)
 * @param key the recipient's device decrypts with it ({@link MediaCipher}); null for bytes uploaded as they are
 * @param name the original file name, or null
 */
public record Attachment(String asset, String mime, long size, String key, String name) {

  /** The object to put in a {@code send} frame's {@code attachments} array. */
  public ObjectNode toJson() {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    node.put("asset", asset);
    node.put("mime", mime);
    node.put("size", size);
    if (key != null) {
      node.put("key", key);
    }
    if (name != null) {
      node.put("name", name);
    }
    return node;
  }

  /** An attachment as it arrives in a {@code message} frame. */
  public static Attachment fromJson(JsonNode node) {
    return new Attachment(node.path("asset").asText(), node.path("mime").asText("application/octet-stream"),
        node.path("size").asLong(), textOrNull(node, "key"), textOrNull(node, "name"));
  }

  private static String textOrNull(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() ? null : value.asText();
  }
}
