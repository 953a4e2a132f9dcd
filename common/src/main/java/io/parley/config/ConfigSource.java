package io.parley.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * Where every Parley component reads its settings, once, at start: one properties file, then
 * environment variables over it ({@code PARLEY_GATEWAY_PORT} overrides {@code gateway.port}), then
 * explicit overrides (used by the local stack and tests). Getters take a default that runs locally and
 * fail with the offending key's name on a value of the wrong shape.
 */
public final class ConfigSource {
  private static final String ENV_PREFIX = "PARLEY_";
  private final Map<String, String> values;

  private ConfigSource(Map<String, String> values) {
    this.values = Map.copyOf(values);
  }

  public static ConfigSource empty() {
    return new ConfigSource(Map.of());
  }

  public static ConfigSource of(Map<String, String> values) {
    return new ConfigSource(values);
  }

  /** The file (if given and present), overlaid by the process environment. */
  public static ConfigSource load(Optional<Path> file) {
    return load(file, System.getenv());
  }

  static ConfigSource load(Optional<Path> file, Map<String, String> env) {
    Map<String, String> merged = new HashMap<>();
    if (file.isPresent()) {
      Properties props = new Properties();
      try (Reader in = Files.newBufferedReader(file.get(), StandardCharsets.UTF_8)) {
        props.load(in);
      } catch (IOException e) {
        throw new IllegalArgumentException("cannot read config file " + file.get() + ": " + e.getMessage(), e);
      }
      props.stringPropertyNames().forEach(k -> merged.put(k, props.getProperty(k).strip()));
    }
    env.forEach((k, v) -> {
      if (k.startsWith(ENV_PREFIX) && k.length() > ENV_PREFIX.length()) {
        merged.put(k.substring(ENV_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.'), v.strip());
      }
    });
    return new ConfigSource(merged);
  }

  /** A copy with {@code overrides} winning over everything read so far. */
  public ConfigSource with(Map<String, String> overrides) {
    Map<String, String> merged = new HashMap<>(values);
    merged.putAll(overrides);
    return new ConfigSource(merged);
  }

  public ConfigSource with(String key, String value) {
    return with(Map.of(key, value));
  }

  public Optional<String> get(String key) {
    return Optional.ofNullable(values.get(key)).filter(v -> !v.isEmpty());
  }

  public String string(String key, String fallback) {
    return get(key).orElse(fallback);
  }

  public String required(String key) {
    return get(key).orElseThrow(() -> new IllegalArgumentException("setting " + key + " is required"));
  }

  public int integer(String key, int fallback) {
    return get(key).map(v -> parse(key, v, Integer::parseInt, "an integer")).orElse(fallback);
  }

  public long longValue(String key, long fallback) {
    return get(key).map(v -> parse(key, v, Long::parseLong, "an integer")).orElse(fallback);
  }

  public boolean bool(String key, boolean fallback) {
    return get(key).map(v -> switch (v.toLowerCase(Locale.ROOT)) {
      case "true", "yes", "1" -> true;
      case "false", "no", "0" -> false;
      default -> throw new IllegalArgumentException("setting " + key + " must be true or false, was '" + v + "'");
    }).orElse(fallback);
  }

  /** Durations as ISO-8601 ({@code PT30S}) or a number with a unit: {@code 250ms}, {@code 30s}, {@code 5m}, {@code 2h}, {@code 30d}. */
  public Duration duration(String key, Duration fallback) {
    return get(key).map(v -> parseDuration(key, v)).orElse(fallback);
  }

  public Map<String, String> withPrefix(String prefix) {
    Map<String, String> out = new HashMap<>();
    values.forEach((k, v) -> {
      if (k.startsWith(prefix)) {
        out.put(k.substring(prefix.length()), v);
      }
    });
    return out;
  }

  static Duration parseDuration(String key, String v) {
    String s = v.strip().toLowerCase(Locale.ROOT);
    try {
      if (s.startsWith("p")) {
        return Duration.parse(s.toUpperCase(Locale.ROOT));
      }
      if (s.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
      }
      long n = Long.parseLong(s.substring(0, s.length() - 1));
      return switch (s.charAt(s.length() - 1)) {
        case 's' -> Duration.ofSeconds(n);
        case 'm' -> Duration.ofMinutes(n);
        case 'h' -> Duration.ofHours(n);
        case 'd' -> Duration.ofDays(n);
        default -> throw new NumberFormatException();
      };
    } catch (NumberFormatException | DateTimeParseException | StringIndexOutOfBoundsException e) {
      throw new IllegalArgumentException("setting " + key + " must be a duration like 30s, 250ms or PT1M, was '" + v + "'");
    }
  }

  private static <T> T parse(String key, String v, java.util.function.Function<String, T> parser, String what) {
    try {
      return parser.apply(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("setting " + key + " must be " + what + ", was '" + v + "'");
    }
  }
}
