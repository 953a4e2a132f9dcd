package io.parley.analytics.messages;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;

/**
 * Parley's Avro schemas, read from the {@code schemas/avro} files this module bundles as resources:
 * the current {@code StoredMessage} and every older writer version listed in the history index.
 */
public final class ParleySchemas {
  public static final String STORED_MESSAGE = "io.parley.schemas.StoredMessage";
  private static final String ROOT = "avro/";

  private ParleySchemas() {}

  /** The current StoredMessage schema, with the records it embeds. */
  public static Schema storedMessage() {
    Schema.Parser parser = new Schema.Parser();
    parse(parser, "Attachment.avsc");
    parse(parser, "ChatMessage.avsc");
    return parse(parser, "StoredMessage.avsc");
  }

  /** The AppEvent schema of the {@code events} topic (no older version yet). */
  public static Schema appEvent() {
    return parse(new Schema.Parser(), "AppEvent.avsc");
  }

  /** The older writer schemas of StoredMessage, oldest first. */
  public static List<Schema> olderStoredMessages() {
    List<Schema> older = new ArrayList<>();
    for (String line : resource("history/index.txt").split("\n")) {
      String file = line.strip();
      if (file.startsWith(STORED_MESSAGE + ".v")) {
        older.add(parse(new Schema.Parser(), "history/" + file));
      }
    }
    return older;
  }

  private static Schema parse(Schema.Parser parser, String file) {
    try (InputStream in = open(file)) {
      return parser.parse(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read schema " + file, e);
    }
  }

  private static String resource(String file) {
    try (InputStream in = open(file)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  private static InputStream open(String file) {
    InputStream in = ParleySchemas.class.getClassLoader().getResourceAsStream(ROOT + file);
    if (in == null) {
      throw new IllegalStateException("Parley schema resource missing: " + ROOT + file);
    }
    return in;
  }
}
