package io.parley.schemas.serde;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;

/**
 * Older writer schemas that readers must still decode. When a record's schema changes, its previous
 * version is copied to {@code schemas/avro/history/<FullName>.v<N>.avsc} and listed in
 * {@code avro/history/index.txt}; every {@link AvroSerde} for that record then accepts both.
 */
public final class SchemaHistory {
  private static final String INDEX = "avro/history/index.txt";
  private static final Map<String, List<Schema>> byName = load();

  private SchemaHistory() {}

  public static List<Schema> olderVersionsOf(Schema current) {
    return byName.getOrDefault(current.getFullName(), List.of());
  }

  private static Map<String, List<Schema>> load() {
    Map<String, List<Schema>> found = new ConcurrentHashMap<>();
    ClassLoader loader = SchemaHistory.class.getClassLoader();
    try {
      var indexes = loader.getResources(INDEX);
      while (indexes.hasMoreElements()) {
        readIndex(indexes.nextElement(), loader, found);
      }
      return found;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + INDEX, e);
    }
  }

  private static void readIndex(java.net.URL index, ClassLoader loader, Map<String, List<Schema>> found)
      throws IOException {
    try (InputStream in = index.openStream()) {
      for (String line : new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).split("\n")) {
        String file = line.strip();
        if (file.isEmpty() || file.startsWith("#")) {
          continue;
        }
        try (InputStream schemaIn = loader.getResourceAsStream("avro/history/" + file)) {
          if (schemaIn == null) {
            throw new IllegalStateException("schema history lists a missing file: " + file);
          }
          Schema schema = new Schema.Parser().parse(schemaIn);
          found.computeIfAbsent(schema.getFullName(), k -> new ArrayList<>()).add(schema);
        }
      }
    }
  }
}
