package io.parley.analytics.cli;

import io.parley.analytics.LocalSpark;
import io.parley.analytics.tagging.Comparison;
import io.parley.analytics.tagging.Corpus;
import io.parley.analytics.tagging.TopicModels;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Trains both models, prints their held-out scores and throughput, and saves the better one. */
@Command(name = "train", mixinStandardHelpOptions = true,
    description = "Train the TF-IDF and the embedding model, score both on the held-out lines, ship the better.")
final class TrainCommand implements Callable<Integer> {
  @Mixin
  ModelOptions options;

  @Option(names = "--throughput-messages", defaultValue = "20000",
      description = "messages to tag when measuring throughput, 0 to skip (default: ${DEFAULT-VALUE})")
  int throughputMessages;

  @Option(names = "--cores", description = "Spark threads (default: every core)")
  Integer cores;

  @Override
  public Integer call() {
    SparkSession spark = LocalSpark.start("parley-analytics-train",
        cores != null ? cores : Runtime.getRuntime().availableProcessors());
    try {
      trainAndSave(spark, options.corpus, options.model, throughputMessages, System.out);
      return 0;
    } finally {
      spark.stop();
    }
  }

  /** @param report where the scores go: standard output for {@code train}, standard error when {@code tag} trains first */
  static void trainAndSave(SparkSession spark, Path corpusDir, Path modelDir, int throughputMessages, PrintStream report) {
    Corpus corpus = Corpus.readOrBundled(corpusDir);
    List<Comparison.Result> results = Comparison.run(spark, corpus, throughputMessages);
    report.println(Comparison.table(results, corpus.train().size(), corpus.heldOut().size()));
    Comparison.Result best = Comparison.best(results);
    deleteIfPresent(modelDir);
    TopicModels.save(best.tagger(), modelDir);
    report.println("shipped " + best.tagger().model().version() + " to " + modelDir);
  }

  private static void deleteIfPresent(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot replace the model in " + dir, e);
    }
  }
}
