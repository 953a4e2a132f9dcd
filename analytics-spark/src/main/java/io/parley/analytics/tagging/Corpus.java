package io.parley.analytics.tagging;

import static org.apache.spark.sql.functions.col;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Parley's labelled chat lines: {@code train.tsv} to train on and {@code heldout.tsv}, which no model
 * ever trains on, to score them. Each line after the header is {@code label<TAB>text}.
 */
public record Corpus(List<Example> train, List<Example> heldOut) {

  public static final String LABEL = "label";
  public static final String TEXT = "text";
  public static final StructType SCHEMA = new StructType()
      .add(LABEL, DataTypes.DoubleType, false)
      .add(TEXT, DataTypes.StringType, false);

  /** One labelled line. */
  public record Example(Tag tag, String text) {}

  public Corpus {
    train = List.copyOf(train);
    heldOut = List.copyOf(heldOut);
  }

  public static Corpus read(Path dir) {
    return new Corpus(readFile(dir.resolve("train.tsv")), readFile(dir.resolve("heldout.tsv")));
  }

  static List<Example> readFile(Path file) {
    try {
      List<String> lines = Files.readAllLines(file);
      List<Example> examples = new ArrayList<>(lines.size());
      for (int i = 1; i < lines.size(); i++) {
        String line = lines.get(i);
        if (line.isBlank()) {
          continue;
        }
        int tab = line.indexOf('\t');
        if (tab < 0) {
          throw new IllegalArgumentException(file + ":" + (i + 1) + ": expected label<TAB>text");
        }
        examples.add(new Example(Tag.of(line.substring(0, tab)), line.substring(tab + 1)));
      }
      return examples;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read corpus file " + file, e);
    }
  }

  /** {@code label} (the tag's index, as MLlib wants it) and {@code text}. */
  public static Dataset<Row> frame(SparkSession spark, List<Example> examples) {
    List<Row> rows = examples.stream()
        .map(e -> RowFactory.create((double) e.tag().ordinal(), e.text()))
        .toList();
    return spark.createDataFrame(rows, SCHEMA).select(col(LABEL), col(TEXT));
  }
}
