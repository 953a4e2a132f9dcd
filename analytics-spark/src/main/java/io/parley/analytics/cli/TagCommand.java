package io.parley.analytics.cli;

import static org.apache.spark.sql.functions.col;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.parley.analytics.LocalSpark;
import io.parley.analytics.tagging.Tagger;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Batch tagging for the data team: lines {@code {"id": "...", "body": "..."}} in, one tag line per
 * input line out, in order, from the model the streaming job uses.
 */
@Command(name = "tag", mixinStandardHelpOptions = true,
    description = "Tag every line of a JSONL file of {\"id\", \"body\"}; print one JSON line per input line, in order.")
final class TagCommand implements Callable<Integer> {
  private static final ObjectMapper json = new ObjectMapper();
  private static final StructType INPUT = new StructType()
      .add("n", DataTypes.LongType, false)
      .add("id", DataTypes.StringType, false)
      .add("body", DataTypes.StringType, false);

  @Mixin
  ModelOptions options;

  @Option(names = "--input", required = true, paramLabel = "FILE.jsonl", description = "lines of {\"id\": ..., \"body\": ...}")
  Path input;

  @Override
  public Integer call() throws IOException {
    List<Row> rows = read(input);
    SparkSession spark = LocalSpark.start("parley-analytics-tag", Runtime.getRuntime().availableProcessors());
    try {
      Tagger tagger = options.loadOrTrain(spark);
      List<Row> tagged = tagger.tag(spark.createDataFrame(rows, INPUT), "body")
          .select(col("n"), col("id"), col(Tagger.TAG), col(Tagger.SCORE), col(Tagger.TAGS))
          .orderBy(col("n")).collectAsList();
      PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
      for (Row row : tagged) {
        out.println(line(row.getString(1), row.getString(2), row.getDouble(3), row.getList(4)));
      }
      out.flush();
      return 0;
    } finally {
      spark.stop();
    }
  }

  static List<Row> read(Path file) throws IOException {
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    List<Row> rows = new ArrayList<>(lines.size());
    for (int i = 0; i < lines.size(); i++) {
      JsonNode node;
      try {
        node = json.readTree(lines.get(i));
      } catch (IOException e) {
        throw new IllegalArgumentException(file + ":" + (i + 1) + ": not a JSON object: " + e.getMessage(), e);
      }
      if (node == null || !node.isObject() || !node.path("id").isTextual() || !node.path("body").isTextual()) {
        throw new IllegalArgumentException(file + ":" + (i + 1) + ": expected {\"id\": \"...\", \"body\": \"...\"}");
      }
      rows.add(RowFactory.create((long) i, node.get("id").asText(), node.get("body").asText()));
    }
    return rows;
  }

  /** {@code {"id": "...", "tag": "...", "score": 0.93, "tags": [{"tag": "...", "score": ...}, ...]}} */
  static String line(String id, String tag, double score, List<Row> tags) throws IOException {
    StringBuilder out = new StringBuilder()
        .append("{\"id\": ").append(json.writeValueAsString(id))
        .append(", \"tag\": ").append(json.writeValueAsString(tag))
        .append(", \"score\": ").append(number(score))
        .append(", \"tags\": [");
    for (int i = 0; i < tags.size(); i++) {
      Row t = tags.get(i);
      out.append(i == 0 ? "" : ", ")
          .append("{\"tag\": ").append(json.writeValueAsString(t.getString(0)))
          .append(", \"score\": ").append(number(t.getDouble(1))).append('}');
    }
    return out.append("]}").toString();
  }

  /** Plain decimals (0.0001, not 1.0E-4), as a reader of the documented line expects. */
  private static String number(double score) {
    return java.math.BigDecimal.valueOf(score).stripTrailingZeros().toPlainString();
  }
}
