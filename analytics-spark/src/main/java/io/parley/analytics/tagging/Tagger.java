package io.parley.analytics.tagging;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.substring;
import static org.apache.spark.sql.functions.udf;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Turns a model's probabilities into Parley's tag: the most likely topic and its score, and the top
 * three topics. Two rules stand before the model: a body with no letter or digit (empty, emoji only)
 * is {@code other}, and so is one less than {@link #MIN_COVERAGE} of whose words the training corpus
 * used ({@link Vocabulary}: another language, mostly), both with score 1. After the model, a best topic
 * below {@link #MIN_SCORE} is not trusted either: the tag is {@code other}, scored with the probability
 * left over.
 */
public final class Tagger implements Serializable {
  public static final String TAG = "tag";
  public static final String SCORE = "score";
  public static final String TAGS = "tags";
  /** Below this probability the best topic is not trusted. */
  public static final double MIN_SCORE = 0.30;
  /** Below this share of known words a message is outside the corpus (measured: docs/analytics.md). */
  public static final double MIN_COVERAGE = 0.34;
  /** Longer bodies are tagged by their beginning: it bounds the cost of a 16 KB message. */
  public static final int MAX_CHARS = 2_000;
  private static final int TOP = 3;
  private static final Pattern WORDLIKE = Pattern.compile("[\\p{L}\\p{N}]");
  private static final String RESULT = "_tagging";
  private static final String KEPT = "_input_text";

  public static final StructType SCORED = new StructType()
      .add(TAG, DataTypes.StringType, false)
      .add(SCORE, DataTypes.DoubleType, false);
  public static final StructType RESULT_TYPE = new StructType()
      .add(TAG, DataTypes.StringType, false)
      .add(SCORE, DataTypes.DoubleType, false)
      .add(TAGS, DataTypes.createArrayType(SCORED, false), false);

  private final transient TopicModel model;
  private final Vocabulary vocabulary;

  public Tagger(TopicModel model, Vocabulary vocabulary) {
    this.model = model;
    this.vocabulary = vocabulary;
  }

  public TopicModel model() {
    return model;
  }

  public Vocabulary vocabulary() {
    return vocabulary;
  }

  /**
   * The input frame with {@code tag}, {@code score} and {@code tags} added, read from {@code textColumn};
   * every input column is kept.
   */
  public Dataset<Row> tag(Dataset<Row> input, String textColumn) {
    // The models read a column named text: an input column of that name is set aside and put back.
    boolean hasText = Arrays.asList(input.columns()).contains(Corpus.TEXT);
    Dataset<Row> base = hasText ? input.withColumnRenamed(Corpus.TEXT, KEPT) : input;
    String source = hasText && textColumn.equals(Corpus.TEXT) ? KEPT : textColumn;
    Dataset<Row> withText = base.withColumn(Corpus.TEXT, substring(col(source), 1, MAX_CHARS));
    Dataset<Row> scored = model.probabilities(withText);
    // Not deterministic as far as Spark knows, so it runs once per row however often its fields are read.
    Vocabulary known = vocabulary;
    UDF2<String, Vector, Row> decide = (text, probability) -> decide(text, probability, known);
    Column result = udf(decide, RESULT_TYPE).asNondeterministic()
        .apply(col(Corpus.TEXT), col(TopicModel.PROBABILITY));
    Dataset<Row> decided = scored.withColumn(RESULT, result).drop(TopicModel.PROBABILITY, Corpus.TEXT);
    Dataset<Row> tagged = decided
        .withColumn(TAG, col(RESULT + "." + TAG))
        .withColumn(SCORE, col(RESULT + "." + SCORE))
        .withColumn(TAGS, col(RESULT + "." + TAGS))
        .drop(RESULT);
    return hasText ? tagged.withColumnRenamed(KEPT, Corpus.TEXT) : tagged;
  }

  static Row decide(String text, Vector probability, Vocabulary vocabulary) {
    if (text == null || !WORDLIKE.matcher(text).find() || vocabulary.coverage(text) < MIN_COVERAGE) {
      return RowFactory.create(Tag.OTHER.id(), 1.0, seq(List.of(RowFactory.create(Tag.OTHER.id(), 1.0))));
    }
    List<Row> top = top(probability);
    Row best = top.get(0);
    if (best.getDouble(1) >= MIN_SCORE) {
      return RowFactory.create(best.getString(0), best.getDouble(1), seq(top));
    }
    return RowFactory.create(Tag.OTHER.id(), round(1.0 - best.getDouble(1)), seq(top));
  }

  private static List<Row> top(Vector probability) {
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < probability.size(); i++) {
      order.add(i);
    }
    order.sort(Comparator.comparingDouble((Integer i) -> probability.apply(i)).reversed());
    return order.subList(0, Math.min(TOP, order.size())).stream()
        .map(i -> RowFactory.create(Tag.ofIndex(i).id(), round(probability.apply(i))))
        .toList();
  }

  private static scala.collection.Seq<Row> seq(List<Row> rows) {
    return CollectionConverters.asScala(rows).toSeq();
  }

  private static double round(double score) {
    return Math.round(score * 10_000) / 10_000.0;
  }
}
