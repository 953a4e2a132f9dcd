package io.parley.analytics.tagging;

import static org.apache.spark.sql.functions.col;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Model (b): each line's all-MiniLM-L6-v2 sentence embedding, classified by a multinomial logistic
 * regression trained on the corpus' embeddings.
 */
public final class EmbeddingTopicModel implements TopicModel {
  public static final String KIND = "embeddings";
  private static final String EMBEDDING = "embedding";

  private final LogisticRegressionModel classifier;
  private final String version;

  private EmbeddingTopicModel(LogisticRegressionModel classifier, String version) {
    this.classifier = classifier;
    this.version = version;
  }

  public static EmbeddingTopicModel train(Dataset<Row> labelled, String corpusDigest) {
    // Embedding is the costly step: do it once, not once per training iteration.
    Dataset<Row> embedded = embed(labelled).cache();
    try {
      LogisticRegressionModel classifier = new LogisticRegression()
          .setFamily("multinomial").setMaxIter(200).setRegParam(0.001).setElasticNetParam(0.0)
          .setLabelCol(Corpus.LABEL).setFeaturesCol(EMBEDDING).setProbabilityCol(PROBABILITY)
          .fit(embedded);
      return new EmbeddingTopicModel(classifier, KIND + "-minilm-lr-" + corpusDigest);
    } finally {
      embedded.unpersist();
    }
  }

  static EmbeddingTopicModel load(Path dir, String version) {
    return new EmbeddingTopicModel(LogisticRegressionModel.load(dir.resolve("classifier").toUri().toString()), version);
  }

  private static Dataset<Row> embed(Dataset<Row> withText) {
    return withText.withColumn(EMBEDDING, Embeddings.vectorUdf().apply(col(Corpus.TEXT)));
  }

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public String version() {
    return version;
  }

  @Override
  public Dataset<Row> probabilities(Dataset<Row> withText) {
    return classifier.transform(embed(withText)).drop(EMBEDDING, "rawPrediction", "prediction");
  }

  @Override
  public void save(Path dir) {
    try {
      classifier.save(dir.resolve("classifier").toUri().toString());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot save the model to " + dir, e);
    }
  }
}
