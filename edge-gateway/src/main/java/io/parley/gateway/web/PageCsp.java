package io.parley.gateway.web;

import io.parley.config.ConfigSource;
import java.net.URI;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The page's Content-Security-Policy. Scripts and styles only from this origin (no inline code, no
 * eval), DOM sinks locked by Trusted Types (the page writes text only), no frames, no plugins, and
 * connections only to this origin (API and WebSocket) and to where media downloads are redirected:
 * the object store's or CDN's origin, which must also allow this page's origin by CORS.
 */
public final class PageCsp {
  private static final Pattern SOURCE = Pattern.compile("[A-Za-z0-9*.:/_-]+");

  private PageCsp() {}

  public static String policy(String mediaSources) {
    String connect = mediaSources.isBlank() ? "'self'" : "'self' " + mediaSources.strip();
    return String.join("; ",
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' blob:",
        "connect-src " + connect,
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "object-src 'none'",
        "require-trusted-types-for 'script'",
        "trusted-types 'none'");
  }

  /**
   * Where media downloads go: {@code gateway.web.media.sources} if set (CSP sources, space
   * separated), else the origin of {@code assets.cdn.base.url}, else of {@code assets.s3.endpoint},
   * else AWS S3's.
   */
  public static String mediaSources(ConfigSource config) {
    Optional<String> explicit = config.get("gateway.web.media.sources");
    if (explicit.isPresent()) {
      for (String source : explicit.get().trim().split("\\s+")) {
        if (!source.isEmpty() && !SOURCE.matcher(source).matches()) {
          throw new IllegalArgumentException("gateway.web.media.sources holds an invalid CSP source: " + source);
        }
      }
      return explicit.get().trim();
    }
    return config.get("assets.cdn.base.url").or(() -> config.get("assets.s3.endpoint"))
        .map(PageCsp::origin).orElse("https://*.amazonaws.com");
  }

  private static String origin(String url) {
    URI uri = URI.create(url);
    if (uri.getScheme() == null || uri.getHost() == null) {
      throw new IllegalArgumentException("not an absolute URL: " + url);
    }
    return uri.getScheme() + "://" + uri.getRawAuthority();
  }
}
