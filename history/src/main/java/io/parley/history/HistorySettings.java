package io.parley.history;

import io.parley.config.ConfigSource;

/**
 * The history API's settings.
 *
 * @param defaultLimit messages (or chat-list lines) in a page when the request does not say
 * @param maxLimit the largest {@code limit} a request may ask for
 * @param presenceVisibility who may see a user's online state and last seen
 */
public record HistorySettings(HistoryMode mode, int defaultLimit, int maxLimit, PresenceVisibility presenceVisibility) {
  public static final String MODE = "history.mode";

  public HistorySettings {
    if (defaultLimit < 1 || maxLimit < defaultLimit || maxLimit > 1_000) {
      throw new IllegalArgumentException("history page limits must satisfy 1 <= default <= max <= 1000");
    }
  }

  public static HistorySettings from(ConfigSource config) {
    return new HistorySettings(HistoryMode.parse(config.string(MODE, "permanent")),
        config.integer("history.page.default", 50), config.integer("history.page.max", 200),
        PresenceVisibility.parse(config.string(PresenceVisibility.SETTING, "conversations")));
  }
}
