package io.parley.analytics.tagging;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/** Saves a tagger's model and vocabulary with what the model is, and reads back whichever kind a folder holds. */
public final class TopicModels {
  private static final String ABOUT = "model.properties";

  private TopicModels() {}

  public static void save(Tagger tagger, Path dir) {
    TopicModel model = tagger.model();
    try {
      Files.createDirectories(dir.getParent() == null ? dir.toAbsolutePath().getParent() : dir.getParent());
      model.save(dir);
      tagger.vocabulary().save(dir);
      Properties about = new Properties();
      about.setProperty("kind", model.kind());
      about.setProperty("version", model.version());
      try (Writer out = Files.newBufferedWriter(dir.resolve(ABOUT), StandardCharsets.UTF_8)) {
        about.store(out, "Parley topic model");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot save the model to " + dir, e);
    }
  }

  public static boolean exists(Path dir) {
    return Files.isRegularFile(dir.resolve(ABOUT));
  }

  public static Tagger load(Path dir) {
    Properties about = new Properties();
    try (Reader in = Files.newBufferedReader(dir.resolve(ABOUT), StandardCharsets.UTF_8)) {
      about.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException("no trained model in " + dir + " (run ./parley analytics train)", e);
    }
    String kind = about.getProperty("kind", "");
    String version = about.getProperty("version", kind);
    TopicModel model = switch (kind) {
      case TfidfTopicModel.KIND -> TfidfTopicModel.load(dir, version);
      case EmbeddingTopicModel.KIND -> EmbeddingTopicModel.load(dir, version);
      default -> throw new IllegalStateException(dir + " holds a model of unknown kind '" + kind + "'");
    };
    return new Tagger(model, Vocabulary.load(dir));
  }
}
