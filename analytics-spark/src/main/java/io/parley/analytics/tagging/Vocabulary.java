package io.parley.analytics.tagging;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The words of the corpus a model was trained on. A message few of whose words the corpus ever used
 * (another language, mostly) is outside what either model learnt: both still answer with confidence,
 * so the {@link Tagger} calls such a message {@code other} instead of trusting them.
 */
public final class Vocabulary implements Serializable {
  private static final Pattern SEPARATORS = Pattern.compile("[^\\p{L}\\p{N}']+");
  private static final String FILE = "vocabulary.txt";

  private final HashSet<String> words;

  private Vocabulary(Set<String> words) {
    this.words = new HashSet<>(words);
  }

  public static Vocabulary of(List<Corpus.Example> examples) {
    Set<String> words = new HashSet<>();
    examples.forEach(e -> words.addAll(words(e.text())));
    return new Vocabulary(words);
  }

  /** The share of the text's words (numbers aside) the corpus used; 1 for a text without words. */
  public double coverage(String text) {
    List<String> found = words(text);
    if (found.isEmpty()) {
      return 1.0;
    }
    return found.stream().filter(words::contains).count() / (double) found.size();
  }

  void save(Path dir) {
    try {
      Files.write(dir.resolve(FILE), new TreeSet<>(words), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot save the vocabulary to " + dir, e);
    }
  }

  static Vocabulary load(Path dir) {
    try {
      return new Vocabulary(new HashSet<>(Files.readAllLines(dir.resolve(FILE), StandardCharsets.UTF_8)));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the vocabulary in " + dir, e);
    }
  }

  static List<String> words(String text) {
    return SEPARATORS.splitAsStream(text.toLowerCase(Locale.ROOT))
        .filter(w -> !w.isEmpty() && !w.chars().allMatch(Character::isDigit))
        .toList();
  }
}
