package io.parley.analytics.tagging;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains both kinds of model on the corpus' training lines, scores each on the held-out lines and
 * measures its throughput, and picks the one to ship: the higher macro-F1, then the higher accuracy.
 */
public final class Comparison {
  private static final Logger log = LoggerFactory.getLogger(Comparison.class);

  /** One trained model with its scores. */
  public record Result(Tagger tagger, Evaluation heldOut, double trainSeconds, double messagesPerSecondPerCore) {}

  private Comparison() {}

  public static List<Result> run(SparkSession spark, Corpus corpus, int throughputMessages) {
    String digest = corpus.digest();
    Dataset<Row> train = Corpus.frame(spark, corpus.train()).cache();
    List<String> lines = corpus.heldOut().stream().map(Corpus.Example::text).toList();
    try {
      Result tfidf = measure(spark, corpus, lines, throughputMessages, () -> TfidfTopicModel.train(train, digest));
      Result embeddings = measure(spark, corpus, lines, throughputMessages, () -> EmbeddingTopicModel.train(train, digest));
      return List.of(tfidf, embeddings);
    } finally {
      train.unpersist();
    }
  }

  public static Result best(List<Result> results) {
    return results.stream()
        .max(Comparator.comparingDouble((Result r) -> r.heldOut().macroF1())
            .thenComparingDouble(r -> r.heldOut().accuracy()))
        .orElseThrow();
  }

  /** The table docs/analytics.md records. */
  public static String table(List<Result> results, int trainLines, int heldOutLines) {
    StringBuilder out = new StringBuilder();
    out.append(String.format(Locale.ROOT, "trained on %d lines, scored on %d held-out lines%n%n", trainLines, heldOutLines));
    out.append("| model | version | held-out accuracy | macro-F1 | train s | msgs/s per core |\n");
    out.append("|---|---|---|---|---|---|\n");
    for (Result r : results) {
      out.append(String.format(Locale.ROOT, "| %s | %s | %.3f | %.3f | %.1f | %s |%n", r.tagger().model().kind(), r.tagger().model().version(),
          r.heldOut().accuracy(), r.heldOut().macroF1(), r.trainSeconds(),
          r.messagesPerSecondPerCore() > 0 ? String.format(Locale.ROOT, "%.0f", r.messagesPerSecondPerCore()) : "not measured"));
    }
    out.append("\nper-tag F1 on the held-out lines\n\n| tag |");
    results.forEach(r -> out.append(' ').append(r.tagger().model().kind()).append(" |"));
    out.append("\n|---|").append("---|".repeat(results.size())).append('\n');
    for (Tag tag : Tag.ALL) {
      out.append("| ").append(tag.id()).append(" |");
      results.forEach(r -> out.append(String.format(Locale.ROOT, " %.3f |", r.heldOut().f1().get(tag))));
      out.append('\n');
    }
    return out.toString();
  }

  private static Result measure(SparkSession spark, Corpus corpus, List<String> lines, int throughputMessages,
      java.util.function.Supplier<TopicModel> training) {
    long start = System.nanoTime();
    TopicModel model = training.get();
    double trainSeconds = (System.nanoTime() - start) / 1e9;
    Tagger tagger = new Tagger(model, Vocabulary.of(corpus.train()));
    Evaluation heldOut = Evaluation.of(spark, tagger, corpus.heldOut());
    log.info("{}: held-out accuracy {} macro-F1 {} (trained in {} s)", model.version(), heldOut.accuracy(),
        heldOut.macroF1(), trainSeconds);
    double rate = throughputMessages > 0 ? Throughput.messagesPerSecondPerCore(spark, tagger, lines, throughputMessages) : 0;
    return new Result(tagger, heldOut, trainSeconds, rate);
  }
}
