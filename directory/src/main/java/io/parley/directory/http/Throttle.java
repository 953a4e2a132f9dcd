package io.parley.directory.http;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import java.time.Duration;

/** A per-key rate limit (per username, per client address) that forgets keys not seen for a while. */
final class Throttle {
  private final RateLimiterConfig config;
  private final Cache<String, RateLimiter> limiters = Caffeine.newBuilder()
      .maximumSize(200_000).expireAfterAccess(Duration.ofMinutes(10)).build();

  Throttle(int perMinute) {
    this.config = RateLimiterConfig.custom()
        .limitForPeriod(perMinute)
        .limitRefreshPeriod(Duration.ofMinutes(1))
        .timeoutDuration(Duration.ZERO)
        .build();
  }

  /** Takes one permit for {@code key}: false if none is left this minute. */
  boolean allow(String key) {
    return limiter(key).acquirePermission();
  }

  /** True if {@code key} has no permit left this minute; takes none (for limits on failures only). */
  boolean exhausted(String key) {
    RateLimiter limiter = limiters.getIfPresent(key);
    return limiter != null && limiter.getMetrics().getAvailablePermissions() <= 0;
  }

  private RateLimiter limiter(String key) {
    return limiters.get(key, k -> RateLimiter.of("throttle", config));
  }
}
