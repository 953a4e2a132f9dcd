package io.parley.sinks.cassandra;

import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where Parley's Cassandra is and how to talk to it; shared by the sink connectors and the history API.
 *
 * @param contactPoints {@code host:port} of one or more nodes
 * @param replication the keyspace's replication map in CQL, used only when Parley creates the keyspace
 */
public record CassandraSettings(
    List<InetSocketAddress> contactPoints,
    String localDatacenter,
    String keyspace,
    String replication,
    DefaultConsistencyLevel consistency,
    Duration requestTimeout,
    Optional<String> username,
    Optional<String> password) {

  public static final String DEFAULT_KEYSPACE = "parley";
  public static final String DEFAULT_REPLICATION = "{'class': 'SimpleStrategy', 'replication_factor': 1}";
  private static final Pattern KEYSPACE = Pattern.compile("[a-z][a-z0-9_]{0,47}");
  private static final Pattern REPLICATION = Pattern.compile("\\{[^;]*\\}");

  public CassandraSettings {
    contactPoints = List.copyOf(contactPoints);
    if (contactPoints.isEmpty()) {
      throw new IllegalArgumentException("at least one Cassandra contact point is required");
    }
    if (!KEYSPACE.matcher(keyspace).matches()) {
      throw new IllegalArgumentException("keyspace must be 1-48 of a-z 0-9 _ starting with a letter: " + keyspace);
    }
    if (!REPLICATION.matcher(replication.strip()).matches()) {
      throw new IllegalArgumentException("replication must be a CQL map like " + DEFAULT_REPLICATION + ": " + replication);
    }
    if (localDatacenter == null || localDatacenter.isBlank()) {
      throw new IllegalArgumentException("the local datacenter is required");
    }
  }

  public static CassandraSettings local(String contactPoints) {
    return new CassandraSettings(parseContactPoints(contactPoints), "datacenter1", DEFAULT_KEYSPACE, DEFAULT_REPLICATION,
        DefaultConsistencyLevel.LOCAL_QUORUM, Duration.ofSeconds(5), Optional.empty(), Optional.empty());
  }

  /** From the same {@code cassandra.*} keys the connectors take (see {@code CassandraSinkConfig}). */
  public static CassandraSettings from(io.parley.config.ConfigSource config) {
    return new CassandraSettings(
        parseContactPoints(config.string("cassandra.contact.points", "127.0.0.1:9042")),
        config.string("cassandra.local.datacenter", "datacenter1"),
        config.string("cassandra.keyspace", DEFAULT_KEYSPACE),
        config.string("cassandra.keyspace.replication", DEFAULT_REPLICATION),
        consistency(config.string("cassandra.consistency", DefaultConsistencyLevel.LOCAL_QUORUM.name())),
        Duration.ofMillis(config.integer("cassandra.request.timeout.ms", 5_000)),
        config.get("cassandra.username"),
        config.get("cassandra.password"));
  }

  private static DefaultConsistencyLevel consistency(String value) {
    try {
      return DefaultConsistencyLevel.valueOf(value.strip().toUpperCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("setting cassandra.consistency must be a consistency level like LOCAL_QUORUM, was '"
          + value + "'");
    }
  }

  /** {@code host:port[,host:port...]}; the port defaults to 9042. */
  public static List<InetSocketAddress> parseContactPoints(String value) {
    List<InetSocketAddress> points = new ArrayList<>();
    for (String part : value.split(",")) {
      String p = part.strip();
      if (p.isEmpty()) {
        continue;
      }
      int colon = p.lastIndexOf(':');
      try {
        points.add(colon < 0 ? InetSocketAddress.createUnresolved(p, 9042)
            : InetSocketAddress.createUnresolved(p.substring(0, colon), Integer.parseInt(p.substring(colon + 1))));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("contact points must be host:port, was '" + p + "'", e);
      }
    }
    return points;
  }

  public String contactPointsString() {
    return String.join(",", contactPoints.stream().map(a -> a.getHostString() + ":" + a.getPort()).toList());
  }
}
