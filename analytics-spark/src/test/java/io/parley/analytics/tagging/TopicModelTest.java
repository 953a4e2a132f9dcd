package io.parley.analytics.tagging;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import io.parley.analytics.LocalSpark;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Both models trained on the corpus' training lines, scored on the held-out lines, saved and read
 * back. The floors sit a little under what {@code ./parley analytics train} measured (docs/analytics.md):
 * TF-IDF + naive Bayes 0.705 accuracy, embeddings + logistic regression 0.947.
 */
class TopicModelTest {
  private static final double TFIDF_FLOOR = 0.68;
  private static final double EMBEDDINGS_FLOOR = 0.92;

  private static SparkSession spark;
  private static Corpus corpus;
  private static Dataset<Row> train;

  @TempDir
  Path dir;

  @BeforeAll
  static void startSpark() {
    spark = LocalSpark.start("topic-model-test", 2);
    corpus = Corpus.read(Path.of("corpus"));
    train = Corpus.frame(spark, corpus.train()).cache();
  }

  @AfterAll
  static void stopSpark() {
    spark.stop();
  }

  @Test
  void shouldKeepTheHeldOutLinesOutOfTraining() {
    List<String> trained = corpus.train().stream().map(Corpus.Example::text).toList();

    assertThat(corpus.heldOut()).extracting(Corpus.Example::text).doesNotContainAnyElementsOf(trained);
    for (Tag tag : Tag.ALL) {
      assertThat(corpus.train().stream().filter(e -> e.tag() == tag).count()).as(tag.id()).isGreaterThanOrEqualTo(150);
      assertThat(corpus.heldOut().stream().filter(e -> e.tag() == tag).count()).as(tag.id()).isGreaterThanOrEqualTo(30);
    }
  }

  @Test
  void shouldTagHeldOutLinesAboveTheFloorAndReadBackTheSameTfidfModel() {
    TopicModel model = TfidfTopicModel.train(train, "test");

    Evaluation heldOut = Evaluation.of(spark, tagger(model), corpus.heldOut());
    assertThat(heldOut.accuracy()).isGreaterThanOrEqualTo(TFIDF_FLOOR);
    assertSameTagsAfterSaveAndLoad(model);
  }

  @Test
  void shouldTagHeldOutLinesAboveTheFloorAndReadBackTheSameEmbeddingModel() {
    TopicModel model = EmbeddingTopicModel.train(train, "test");

    Evaluation heldOut = Evaluation.of(spark, tagger(model), corpus.heldOut());
    assertThat(heldOut.accuracy()).isGreaterThanOrEqualTo(EMBEDDINGS_FLOOR);
    assertThat(heldOut.macroF1()).isGreaterThanOrEqualTo(EMBEDDINGS_FLOOR);
    assertSameTagsAfterSaveAndLoad(model);
  }

  private void assertSameTagsAfterSaveAndLoad(TopicModel model) {
    Path saved = dir.resolve("model");
    TopicModels.save(tagger(model), saved);
    Tagger loaded = TopicModels.load(saved);

    assertThat(loaded.model().kind()).isEqualTo(model.kind());
    assertThat(loaded.model().version()).isEqualTo(model.version());
    assertThat(tags(loaded)).isEqualTo(tags(tagger(model)));
  }

  private static Tagger tagger(TopicModel model) {
    return new Tagger(model, Vocabulary.of(corpus.train()));
  }

  private static List<Row> tags(Tagger tagger) {
    return tagger.tag(Corpus.frame(spark, corpus.heldOut()), Corpus.TEXT)
        .select(col(Corpus.TEXT), col(Tagger.TAG), col(Tagger.SCORE)).collectAsList();
  }
}
