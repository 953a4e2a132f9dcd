package io.parley.analytics.tagging;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The topics a message is tagged with. The ordinal is the class index every model predicts, so it
 * must never be reordered; {@link #OTHER} is chit-chat, logistics and greetings, and whatever no
 * model is sure about.
 */
public enum Tag {
  SPORTS, POLITICS, TECHNOLOGY, ENTERTAINMENT, BUSINESS, HEALTH, SCIENCE, FOOD, TRAVEL, OTHER;

  public static final List<Tag> ALL = List.of(values());

  /** The name written in tags and corpora: lower case. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Tag of(String id) {
    return Arrays.stream(values())
        .filter(t -> t.id().equals(id))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("unknown tag: " + id));
  }

  public static Tag ofIndex(int index) {
    return values()[index];
  }
}
