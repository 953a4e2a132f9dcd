package io.parley.sinks.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.CqlSessionBuilder;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

/** Opens driver sessions the way every Parley component wants them. */
public final class CqlSessions {
  private CqlSessions() {}

  /**
   * A session with no keyspace set (statements name it). The driver reads its defaults through
   * {@code classLoader}: inside a Connect worker that must be the plugin's own loader.
   */
  public static CqlSession open(CassandraSettings settings, ClassLoader classLoader) {
    DriverConfigLoader config = DriverConfigLoader.programmaticBuilder(classLoader)
        .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, settings.requestTimeout())
        .withString(DefaultDriverOption.REQUEST_CONSISTENCY, settings.consistency().name())
        // Every Parley statement is idempotent (inserts of whole rows, reads), so the driver may retry.
        .withBoolean(DefaultDriverOption.REQUEST_DEFAULT_IDEMPOTENCE, true)
        .withDuration(DefaultDriverOption.CONNECTION_CONNECT_TIMEOUT, Duration.ofSeconds(5))
        .withDuration(DefaultDriverOption.CONNECTION_INIT_QUERY_TIMEOUT, Duration.ofSeconds(5))
        .withDuration(DefaultDriverOption.CONTROL_CONNECTION_TIMEOUT, Duration.ofSeconds(5))
        // A node that comes back is used again within seconds, not the default minute.
        .withDuration(DefaultDriverOption.RECONNECTION_BASE_DELAY, Duration.ofMillis(500))
        .withDuration(DefaultDriverOption.RECONNECTION_MAX_DELAY, Duration.ofSeconds(5))
        .withDuration(DefaultDriverOption.CONTROL_CONNECTION_AGREEMENT_TIMEOUT, Duration.ofSeconds(30))
        .withDuration(DefaultDriverOption.METADATA_SCHEMA_REQUEST_TIMEOUT, Duration.ofSeconds(10))
        // Only Parley's keyspace matters (token-aware routing needs its replication): refreshing the
        // metadata of every keyspace after each schema change is most of the cost of starting up.
        .withStringList(DefaultDriverOption.METADATA_SCHEMA_REFRESHED_KEYSPACES, List.of(settings.keyspace()))
        .build();
    CqlSessionBuilder builder = CqlSession.builder()
        .withConfigLoader(config)
        .withClassLoader(classLoader)
        .withLocalDatacenter(settings.localDatacenter());
    for (InetSocketAddress point : settings.contactPoints()) {
      builder.addContactPoint(new InetSocketAddress(point.getHostString(), point.getPort()));
    }
    if (settings.username().isPresent()) {
      builder.withAuthCredentials(settings.username().get(), settings.password().orElse(""));
    }
    return builder.build();
  }
}
