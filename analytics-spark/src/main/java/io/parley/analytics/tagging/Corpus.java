package io.parley.analytics.tagging;

import static org.apache.spark.sql.functions.col;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
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
 * ever trains on, to score them. Each line after the header is {@code label<TAB>text}. The job's jar
 * carries a copy ({@link #bundled()}), so a cluster's driver can train without the repository.
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
    try {
      return new Corpus(parse(dir.resolve("train.tsv").toString(), Files.readAllLines(dir.resolve("train.tsv"))),
          parse(dir.resolve("heldout.tsv").toString(), Files.readAllLines(dir.resolve("heldout.tsv"))));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the corpus in " + dir, e);
    }
  }

  /** The copy inside the jar. */
  public static Corpus bundled() {
    return new Corpus(parse("corpus/train.tsv", resource("corpus/train.tsv")), parse("corpus/heldout.tsv", resource("corpus/heldout.tsv")));
  }

  /** The folder's corpus, or the bundled one when there is no such folder. */
  public static Corpus readOrBundled(Path dir) {
    return Files.isDirectory(dir) ? read(dir) : bundled();
  }

  /** A short hash of the training lines: names the models trained on them. */
  public String digest() {
    StringBuilder all = new StringBuilder();
    train.forEach(e -> all.append(e.tag().id()).append('\t').append(e.text()).append('\n'));
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(all.toString().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash, 0, 4);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always available", e);
    }
  }

  private static List<String> resource(String name) {
    try (InputStream in = Corpus.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("the jar carries no " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + name, e);
    }
  }

  private static List<Example> parse(String file, List<String> lines) {
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
  }


  /** {@code label} (the tag's index, as MLlib wants it) and {@code text}. */
  public static Dataset<Row> frame(SparkSession spark, List<Example> examples) {
    List<Row> rows = examples.stream()
        .map(e -> RowFactory.create((double) e.tag().ordinal(), e.text()))
        .toList();
    return spark.createDataFrame(rows, SCHEMA).select(col(LABEL), col(TEXT));
  }
}
