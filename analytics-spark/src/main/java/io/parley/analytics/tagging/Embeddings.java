package io.parley.analytics.tagging;

import static org.apache.spark.sql.functions.udf;

import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;

/**
 * Sentence embeddings from the all-MiniLM-L6-v2 model that ships inside its jar (ONNX Runtime, in
 * process, nothing downloaded). One model per JVM, loaded on first use, shared by the task threads:
 * ONNX Runtime sessions may run concurrently.
 */
public final class Embeddings {
  public static final int DIMENSION = 384;
  private static volatile EmbeddingModel model;

  private Embeddings() {}

  public static float[] embed(String text) {
    // The model rejects an empty segment; an empty body still needs a vector.
    String segment = text == null || text.isBlank() ? "." : text;
    return model().embed(segment).content().vector();
  }

  /** A Spark function from a text column to its embedding as an MLlib vector. */
  public static UserDefinedFunction vectorUdf() {
    UDF1<String, Vector> embed = text -> {
      float[] v = embed(text);
      double[] d = new double[v.length];
      for (int i = 0; i < v.length; i++) {
        d[i] = v[i];
      }
      return Vectors.dense(d);
    };
    return udf(embed, SQLDataTypes.VectorType()).asNondeterministic();
  }

  private static EmbeddingModel model() {
    EmbeddingModel m = model;
    if (m == null) {
      synchronized (Embeddings.class) {
        m = model;
        if (m == null) {
          // Runs on the calling thread: Spark already gives each core a task.
          m = new AllMiniLmL6V2EmbeddingModel(Runnable::run);
          model = m;
        }
      }
    }
    return m;
  }
}
