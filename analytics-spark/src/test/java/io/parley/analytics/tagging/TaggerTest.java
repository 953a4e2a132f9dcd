package io.parley.analytics.tagging;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

class TaggerTest {
  private static final Vocabulary known = Vocabulary.of(List.of(
      new Corpus.Example(Tag.SPORTS, "did you see the match"), new Corpus.Example(Tag.OTHER, "see you at home")));

  @Test
  void shouldTakeTheLikeliestTopicWithItsScoreAndTheTopThree() {
    Row r = Tagger.decide("did you see the match", Vectors.dense(0.8, 0.1, 0.05, 0.05, 0, 0, 0, 0, 0, 0), known);

    assertThat(r.getString(0)).isEqualTo("sports");
    assertThat(r.getDouble(1)).isEqualTo(0.8);
    assertThat(r.getList(2)).extracting(t -> ((Row) t).getString(0)).containsExactly("sports", "politics", "technology");
  }

  @Test
  void shouldTagOtherWhenNoTopicIsLikelyEnough() {
    Row r = Tagger.decide("did you see", Vectors.dense(0.12, 0.11, 0.1, 0.1, 0.1, 0.1, 0.1, 0.09, 0.09, 0.09), known);

    assertThat(r.getString(0)).isEqualTo("other");
    assertThat(r.getDouble(1)).isEqualTo(0.88);
    assertThat(r.getList(2)).hasSize(3);
  }

  @Test
  void shouldTagTextInWordsTheCorpusNeverUsedOther() {
    var sure = Vectors.dense(0.9, 0.1, 0, 0, 0, 0, 0, 0, 0, 0);

    for (String body : new String[] {"¿dónde está la estación de tren?", "これは日本語です", "wo bist du gerade"}) {
      Row r = Tagger.decide(body, sure, known);
      assertThat(r.getString(0)).as(body).isEqualTo("other");
      assertThat(r.getDouble(1)).isEqualTo(1.0);
    }
    assertThat(Tagger.decide("did you see the new match", sure, known).getString(0)).isEqualTo("sports");
  }

  @Test
  void shouldTagBodiesWithoutWordsOther() {
    var sure = Vectors.dense(0.9, 0.1, 0, 0, 0, 0, 0, 0, 0, 0);

    for (String body : new String[] {"", "   ", "😂😂😂", "👍 ❤️ !!", null}) {
      Row r = Tagger.decide(body, sure, known);
      assertThat(r.getString(0)).as(String.valueOf(body)).isEqualTo("other");
      assertThat(r.getDouble(1)).isEqualTo(1.0);
    }
  }
}
