package io.parley.analytics.tagging;

import static org.apache.spark.sql.functions.col;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * How well a tagger does on labelled lines it never trained on: accuracy and the macro-averaged F1
 * (each tag's F1 weighs the same, so a model cannot score well by ignoring a small topic).
 */
public record Evaluation(int examples, double accuracy, double macroF1, Map<Tag, Double> f1) {

  public static Evaluation of(SparkSession spark, Tagger tagger, List<Corpus.Example> heldOut) {
    List<Row> rows = tagger.tag(Corpus.frame(spark, heldOut), Corpus.TEXT)
        .select(col(Corpus.LABEL), col(Tagger.TAG)).collectAsList();
    int[][] confusion = new int[Tag.ALL.size()][Tag.ALL.size()];
    for (Row row : rows) {
      confusion[(int) row.getDouble(0)][Tag.of(row.getString(1)).ordinal()]++;
    }
    return fromConfusion(confusion);
  }

  static Evaluation fromConfusion(int[][] confusion) {
    int n = 0;
    int correct = 0;
    Map<Tag, Double> f1 = new EnumMap<>(Tag.class);
    for (Tag tag : Tag.ALL) {
      int t = tag.ordinal();
      int truePositives = confusion[t][t];
      int actual = 0;
      int predicted = 0;
      for (int other = 0; other < confusion.length; other++) {
        actual += confusion[t][other];
        predicted += confusion[other][t];
      }
      n += actual;
      correct += truePositives;
      double precision = predicted == 0 ? 0 : (double) truePositives / predicted;
      double recall = actual == 0 ? 0 : (double) truePositives / actual;
      f1.put(tag, precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall));
    }
    double macro = f1.values().stream().mapToDouble(Double::doubleValue).average().orElse(0);
    return new Evaluation(n, n == 0 ? 0 : (double) correct / n, macro, f1);
  }
}
