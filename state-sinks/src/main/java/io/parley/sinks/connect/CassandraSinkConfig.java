package io.parley.sinks.connect;

import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import io.parley.sinks.cassandra.Backoff;
import io.parley.sinks.cassandra.CassandraSettings;
import io.parley.sinks.cassandra.WriteLimits;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/** Every setting of Parley's Cassandra sink connectors, declared once with its doc, default and validator. */
public final class CassandraSinkConfig extends AbstractConfig {
  public static final String CONTACT_POINTS = "cassandra.contact.points";
  public static final String LOCAL_DATACENTER = "cassandra.local.datacenter";
  public static final String KEYSPACE = "cassandra.keyspace";
  public static final String REPLICATION = "cassandra.keyspace.replication";
  public static final String SCHEMA_APPLY = "cassandra.schema.apply";
  public static final String CONSISTENCY = "cassandra.consistency";
  public static final String REQUEST_TIMEOUT_MS = "cassandra.request.timeout.ms";
  public static final String USERNAME = "cassandra.username";
  public static final String PASSWORD = "cassandra.password";
  public static final String BATCH_MAX_STATEMENTS = "cassandra.batch.max.statements";
  public static final String BATCH_MAX_BYTES = "cassandra.batch.max.bytes";
  public static final String MAX_IN_FLIGHT = "cassandra.max.in.flight";
  public static final String RETRY_INITIAL_MS = "cassandra.retry.backoff.initial.ms";
  public static final String RETRY_MAX_MS = "cassandra.retry.backoff.max.ms";
  public static final String RETRY_MAX_ATTEMPTS = "cassandra.retry.max.attempts";
  public static final String PREVIEW_CHARS = "history.preview.chars";

  private static final String CASSANDRA = "Cassandra";
  private static final String WRITES = "Writes";

  public static final ConfigDef CONFIG_DEF = new ConfigDef()
      .define(CONTACT_POINTS, Type.LIST, "127.0.0.1:9042", nonEmptyList(), Importance.HIGH,
          "Cassandra nodes to connect to first, as host:port (the driver discovers the rest).", CASSANDRA, 1,
          ConfigDef.Width.LONG, "Contact points")
      .define(LOCAL_DATACENTER, Type.STRING, "datacenter1", new ConfigDef.NonEmptyString(), Importance.HIGH,
          "The Cassandra datacenter this worker is in; requests go to its nodes.", CASSANDRA, 2,
          ConfigDef.Width.SHORT, "Local datacenter")
      .define(KEYSPACE, Type.STRING, CassandraSettings.DEFAULT_KEYSPACE,
          ConfigDef.LambdaValidator.with((name, value) -> {
            if (value == null || !String.valueOf(value).matches("[a-z][a-z0-9_]{0,47}")) {
              throw new ConfigException(name, value, "must be 1-48 of a-z 0-9 _ starting with a letter");
            }
          }, () -> "[a-z][a-z0-9_]{0,47}"), Importance.HIGH,
          "The keyspace holding Parley's history and last-seen tables.", CASSANDRA, 3, ConfigDef.Width.SHORT, "Keyspace")
      .define(REPLICATION, Type.STRING, CassandraSettings.DEFAULT_REPLICATION, new ConfigDef.NonEmptyString(),
          Importance.MEDIUM, "The keyspace's replication as a CQL map, used only when the connector creates the keyspace "
              + "(production: {'class': 'NetworkTopologyStrategy', '<dc>': 3}).", CASSANDRA, 4, ConfigDef.Width.LONG,
          "Replication")
      .define(SCHEMA_APPLY, Type.BOOLEAN, true, Importance.MEDIUM,
          "Apply the versioned CQL schema (idempotent) when a task starts; false where operators apply it themselves.",
          CASSANDRA, 5, ConfigDef.Width.SHORT, "Apply schema")
      .define(CONSISTENCY, Type.STRING, DefaultConsistencyLevel.LOCAL_QUORUM.name(),
          ConfigDef.ValidString.in("ONE", "LOCAL_ONE", "TWO", "THREE", "QUORUM", "LOCAL_QUORUM", "EACH_QUORUM", "ALL"),
          Importance.MEDIUM, "Consistency level of every write.", CASSANDRA, 6, ConfigDef.Width.SHORT, "Consistency")
      .define(REQUEST_TIMEOUT_MS, Type.INT, 5_000, Range.between(100, 120_000), Importance.LOW,
          "How long one request may take before it counts as failed (and is retried).", CASSANDRA, 7,
          ConfigDef.Width.SHORT, "Request timeout")
      .define(USERNAME, Type.STRING, "", Importance.MEDIUM, "User name, if Cassandra requires authentication.",
          CASSANDRA, 8, ConfigDef.Width.SHORT, "User name")
      .define(PASSWORD, Type.PASSWORD, "", Importance.MEDIUM, "Password, if Cassandra requires authentication.",
          CASSANDRA, 9, ConfigDef.Width.SHORT, "Password")
      .define(BATCH_MAX_STATEMENTS, Type.INT, WriteLimits.DEFAULTS.batchMaxStatements(), Range.between(1, 1_000),
          Importance.LOW, "Rows of one partition sent as one unlogged batch, at most.", WRITES, 1,
          ConfigDef.Width.SHORT, "Batch rows")
      .define(BATCH_MAX_BYTES, Type.INT, WriteLimits.DEFAULTS.batchMaxBytes(), Range.between(1_024, 10 * 1024 * 1024),
          Importance.LOW, "Estimated bytes of one batch, at most; keep it under Cassandra's batch_size_fail_threshold "
              + "(50 KiB by default).", WRITES, 2, ConfigDef.Width.SHORT, "Batch bytes")
      .define(MAX_IN_FLIGHT, Type.INT, WriteLimits.DEFAULTS.maxInFlight(), Range.between(1, 1_024), Importance.LOW,
          "Requests a task keeps in flight at once.", WRITES, 3, ConfigDef.Width.SHORT, "Requests in flight")
      .define(RETRY_INITIAL_MS, Type.LONG, 500L, Range.between(10, 600_000), Importance.LOW,
          "First wait before writing again after Cassandra was unavailable or timed out; doubles each time.",
          WRITES, 4, ConfigDef.Width.SHORT, "First backoff")
      .define(RETRY_MAX_MS, Type.LONG, 30_000L, Range.between(10, 3_600_000), Importance.LOW,
          "Longest wait between attempts.", WRITES, 5, ConfigDef.Width.SHORT, "Longest backoff")
      .define(RETRY_MAX_ATTEMPTS, Type.INT, 240, Range.between(1, Integer.MAX_VALUE), Importance.MEDIUM,
          "Consecutive failed attempts before the task stops with an error (default: about two hours at the longest "
              + "backoff). Records are never skipped: a stopped task resumes from its last committed offset.",
          WRITES, 6, ConfigDef.Width.SHORT, "Attempts")
      .define(PREVIEW_CHARS, Type.INT, 120, Range.between(0, 4_096), Importance.LOW,
          "Characters of the latest message a chat-list line keeps (messages connector only).", WRITES, 7,
          ConfigDef.Width.SHORT, "Preview length");

  public CassandraSinkConfig(Map<String, String> props) {
    super(CONFIG_DEF, props);
    settings(); // fail at start, with the key's name, rather than at the first record
  }

  private static ConfigDef.Validator nonEmptyList() {
    return ConfigDef.LambdaValidator.with((name, value) -> {
      if (!(value instanceof java.util.List<?> list) || list.isEmpty()) {
        throw new ConfigException(name, value, "needs at least one host:port");
      }
    }, () -> "a non-empty list of host:port");
  }

  public CassandraSettings settings() {
    try {
      String password = getPassword(PASSWORD) == null ? "" : getPassword(PASSWORD).value();
      return new CassandraSettings(
          CassandraSettings.parseContactPoints(String.join(",", getList(CONTACT_POINTS))),
          getString(LOCAL_DATACENTER),
          getString(KEYSPACE),
          getString(REPLICATION),
          DefaultConsistencyLevel.valueOf(getString(CONSISTENCY)),
          Duration.ofMillis(getInt(REQUEST_TIMEOUT_MS)),
          Optional.of(getString(USERNAME)).filter(s -> !s.isBlank()),
          Optional.of(password).filter(s -> !s.isBlank()));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage());
    }
  }

  public boolean applySchema() {
    return getBoolean(SCHEMA_APPLY);
  }

  public WriteLimits limits() {
    return new WriteLimits(getInt(BATCH_MAX_STATEMENTS), getInt(BATCH_MAX_BYTES), getInt(MAX_IN_FLIGHT));
  }

  public Backoff backoff() {
    return new Backoff(Duration.ofMillis(getLong(RETRY_INITIAL_MS)), Duration.ofMillis(getLong(RETRY_MAX_MS)),
        getInt(RETRY_MAX_ATTEMPTS));
  }

  public int previewChars() {
    return getInt(PREVIEW_CHARS);
  }

  /** The keys, for documentation and tests. */
  public static java.util.List<String> keys() {
    return Arrays.asList(CONFIG_DEF.names().toArray(new String[0]));
  }
}
