package io.parley.directory;

import io.parley.config.ConfigSource;
import java.time.Duration;

/**
 * Settings of the directory.
 *
 * @param jdbcUrl MySQL (or MariaDB) database, e.g. {@code jdbc:mysql://db:3306/parley}
 * @param maxGroupSize members per group, creator included
 * @param minPasswordLength shorter passwords are refused as weak
 * @param signInFailuresPerUserAndAddressPerMinute wrong passwords for one username from one client
 *     address; after that, that address's sign-ins as that user get 429 for the rest of the minute
 * @param signInFailuresPerUserPerMinute wrong passwords for one username from all addresses together
 *     (a guess spread over many addresses); far above the per-address limit, so one guesser cannot
 *     lock a user out
 * @param signInsPerAddressPerMinute sign-in attempts per client address, right or wrong; more get 429
 * @param signUpsPerAddressPerMinute sign-ups per client address; more get 429
 * @param tokenTtl how long an access token from sign-in is valid
 * @param relayInterval how often the outbox relay looks for membership changes to publish; changes made
 *     through this process wake it at once, so this bounds only the delay for other instances' changes
 * @param passwordMemoryKib Argon2id memory cost (OWASP minimum: 19 MiB)
 * @param passwordIterations Argon2id time cost (OWASP minimum: 2)
 * @param behindProxy every request comes through a load balancer that appends the client's address
 *     to {@code X-Forwarded-For} ({@code directory.behind.proxy}): per-address limits count by it
 */
public record DirectoryConfig(
    String jdbcUrl,
    String user,
    String password,
    int poolSize,
    int maxGroupSize,
    int minPasswordLength,
    int signInFailuresPerUserAndAddressPerMinute,
    int signInFailuresPerUserPerMinute,
    int signInsPerAddressPerMinute,
    int signUpsPerAddressPerMinute,
    Duration tokenTtl,
    Duration relayInterval,
    int passwordMemoryKib,
    int passwordIterations,
    boolean behindProxy) {

  public DirectoryConfig {
    if (jdbcUrl == null || !(jdbcUrl.startsWith("jdbc:mysql:") || jdbcUrl.startsWith("jdbc:mariadb:"))) {
      throw new IllegalArgumentException("directory.jdbc.url must be a jdbc:mysql: URL, was " + jdbcUrl);
    }
    if (maxGroupSize < 2 || maxGroupSize > 100_000) {
      throw new IllegalArgumentException("directory.max.group.size must be 2..100000");
    }
    if (minPasswordLength < 8) {
      throw new IllegalArgumentException("directory.min.password.length must be at least 8");
    }
    if (passwordMemoryKib < 1024 || passwordIterations < 1) {
      throw new IllegalArgumentException("directory.password.memory.kib must be at least 1024 and iterations at least 1");
    }
    if (poolSize < 1 || signInFailuresPerUserAndAddressPerMinute < 1 || signInFailuresPerUserPerMinute < 1 || signInsPerAddressPerMinute < 1 || signUpsPerAddressPerMinute < 1) {
      throw new IllegalArgumentException("directory pool size and rate limits must be positive");
    }
  }

  public static DirectoryConfig from(ConfigSource config) {
    return new DirectoryConfig(
        config.required("directory.jdbc.url"),
        config.string("directory.jdbc.user", "parley"),
        config.string("directory.jdbc.password", ""),
        config.integer("directory.pool.size", 8),
        config.integer("directory.max.group.size", 1024),
        config.integer("directory.min.password.length", 10),
        config.integer("directory.signin.failures.per.user.address.per.minute", 10),
        config.integer("directory.signin.failures.per.user.per.minute", 100),
        config.integer("directory.signins.per.address.per.minute", 60),
        config.integer("directory.signups.per.address.per.minute", 30),
        config.duration("auth.token.ttl", Duration.ofDays(30)),
        config.duration("directory.relay.interval", Duration.ofSeconds(1)),
        config.integer("directory.password.memory.kib", 19 * 1024),
        config.integer("directory.password.iterations", 2),
        config.bool("directory.behind.proxy", false));
  }
}
