package io.parley.analytics.tagging;

import java.nio.file.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * A trained classifier over {@link Tag}s. Both kinds Parley compares ({@link TfidfTopicModel},
 * {@link EmbeddingTopicModel}) work on Spark frames, so the batch tagger, the evaluation and the
 * streaming job run the very same code.
 */
public interface TopicModel {
  /** The column of per-tag probabilities (an MLlib vector indexed by {@link Tag#ordinal()}). */
  String PROBABILITY = "probability";

  /** {@code tfidf} or {@code embeddings}: how {@link TopicModels#load} knows what it reads back. */
  String kind();

  /** Names the trained model in every tag it writes: kind, corpus and settings. */
  String version();

  /** The input frame with a {@value #PROBABILITY} column added, computed from its {@code text} column. */
  Dataset<Row> probabilities(Dataset<Row> withText);

  /**
   * Writes the model under {@code dir}, which must not exist yet. Always the local file system, also
   * where Hadoop's default is a cluster's: the driver reads the model and Spark ships it to executors.
   */
  void save(Path dir);
}
