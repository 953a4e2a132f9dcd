package io.parley.analytics.cli;

import io.parley.analytics.tagging.Tagger;
import io.parley.analytics.tagging.TopicModels;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Option;

/** Where the shipped model lives, and how to get one when it is not there yet. */
final class ModelOptions {
  @Option(names = "--model", paramLabel = "<folder>", defaultValue = ".parley/analytics/model",
      description = "the trained model (default: ${DEFAULT-VALUE})")
  Path model;

  @Option(names = "--corpus", paramLabel = "<folder>", defaultValue = "analytics-spark/corpus",
      description = "the labelled corpus: train.tsv and heldout.tsv (default: ${DEFAULT-VALUE}, else the jar's copy)")
  Path corpus;

  /** The saved model, or (first use) the better of the two freshly trained, saved for next time. */
  Tagger loadOrTrain(SparkSession spark) {
    if (!TopicModels.exists(model)) {
      // standard output is the command's own (tag prints one line per input): the scores go to standard error
      System.err.println("no model in " + model + " yet: training one from " + corpus);
      TrainCommand.trainAndSave(spark, corpus, model, 0, System.err);
    }
    return TopicModels.load(model);
  }
}
