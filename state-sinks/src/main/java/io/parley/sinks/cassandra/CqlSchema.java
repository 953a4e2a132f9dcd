package io.parley.sinks.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import io.parley.sinks.history.ConversationOrderCopy;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Parley's CQL schema, versioned in {@code cql/V<n>__<what>.cql} and applied in order at start. Each
 * applied version is recorded in {@code schema_version}; every statement is idempotent
 * ({@code IF NOT EXISTS}), so two processes starting at once, or a run interrupted halfway, are safe.
 */
public final class CqlSchema {
  private static final Logger log = LoggerFactory.getLogger(CqlSchema.class);
  public static final String COMPONENT = "history";
  /** Every version, oldest first. A new version is a new file appended here; applied files never change. */
  static final List<String> SCRIPTS = List.of("V1__history.cql", "V2__conversation_order.cql", "V3__analytics.cql");
  /**
   * Data steps: run after a version's statements and before the version is recorded, so a run cut
   * short runs them again. Each must be idempotent.
   */
  private static final Map<Integer, BiConsumer<CqlSession, String>> DATA_STEPS =
      Map.of(2, (session, keyspace) -> ConversationOrderCopy.run(session, keyspace));
  private static final Pattern VERSION = Pattern.compile("V(\\d+)__[a-z0-9_]+\\.cql");
  private static final Duration AGREEMENT_WAIT = Duration.ofSeconds(30);

  private CqlSchema() {}

  public record Script(int version, String name, String text) {
    String checksum() {
      try {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("SHA-256 is always available", e);
      }
    }
  }

  /** Brings the keyspace up to the newest version; returns the versions applied now. */
  public static List<Integer> migrate(CqlSession session, String keyspace, String replication) {
    session.execute(SimpleStatement.newInstance("CREATE KEYSPACE IF NOT EXISTS " + keyspace
        + " WITH replication = " + replication).setTimeout(Duration.ofSeconds(30)));
    ddl(session, "CREATE TABLE IF NOT EXISTS " + keyspace + ".schema_version ("
        + "component text, version int, script text, checksum text, applied_at timestamp, "
        + "PRIMARY KEY (component, version))");
    Map<Integer, String> applied = applied(session, keyspace);
    List<Integer> now = new ArrayList<>();
    for (Script script : scripts()) {
      String checksum = script.checksum();
      if (applied.containsKey(script.version())) {
        if (!checksum.equals(applied.get(script.version()))) {
          log.warn("CQL script {} changed after it was applied to {}; applied scripts must not change", script.name(), keyspace);
        }
        continue;
      }
      for (String statement : statements(script.text().replace("${keyspace}", keyspace))) {
        ddl(session, statement);
      }
      DATA_STEPS.getOrDefault(script.version(), (s, k) -> {}).accept(session, keyspace);
      session.execute(SimpleStatement.newInstance("INSERT INTO " + keyspace
          + ".schema_version (component, version, script, checksum, applied_at) VALUES (?, ?, ?, ?, ?)",
          COMPONENT, script.version(), script.name(), checksum, Instant.now()));
      log.info("applied CQL schema version {} ({}) to keyspace {}", script.version(), script.name(), keyspace);
      now.add(script.version());
    }
    return now;
  }

  /**
   * For readers that must not change the schema (the history API's own process): the keyspace must
   * exist and hold every version this build knows, applied by the connectors or an operator.
   *
   * @throws IllegalStateException naming what is missing
   */
  public static void verify(CqlSession session, String keyspace) {
    if (session.getMetadata().getKeyspace(keyspace).flatMap(k -> k.getTable("schema_version")).isEmpty()) {
      throw new IllegalStateException("keyspace " + keyspace + " has no Parley schema yet: start the sink connectors "
          + "(they apply it, with cassandra.keyspace.replication) or apply state-sinks' cql/ scripts first");
    }
    Map<Integer, String> applied = applied(session, keyspace);
    List<Integer> missing = scripts().stream().map(Script::version).filter(v -> !applied.containsKey(v)).toList();
    if (!missing.isEmpty()) {
      throw new IllegalStateException("keyspace " + keyspace + " lacks CQL schema versions " + missing
          + ": start the sink connectors of this build first (they apply them)");
    }
  }

  /** The versions recorded in {@code schema_version}, with the checksum of the script each was applied from. */
  private static Map<Integer, String> applied(CqlSession session, String keyspace) {
    Map<Integer, String> applied = new HashMap<>();
    for (Row row : session.execute(SimpleStatement.newInstance(
        "SELECT version, checksum FROM " + keyspace + ".schema_version WHERE component = ?", COMPONENT))) {
      applied.put(row.getInt("version"), row.getString("checksum"));
    }
    return applied;
  }

  private static void ddl(CqlSession session, String statement) {
    session.execute(SimpleStatement.newInstance(statement).setTimeout(Duration.ofSeconds(30)));
    long deadline = System.nanoTime() + AGREEMENT_WAIT.toNanos();
    while (!session.checkSchemaAgreement() && System.nanoTime() < deadline) {
      sleep();
    }
  }

  private static void sleep() {
    try {
      Thread.sleep(200);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for schema agreement", e);
    }
  }

  public static List<Script> scripts() {
    List<Script> scripts = new ArrayList<>();
    for (String name : SCRIPTS) {
      Matcher m = VERSION.matcher(name);
      if (!m.matches()) {
        throw new IllegalStateException("CQL scripts are named V<n>__<what>.cql: " + name);
      }
      try (InputStream in = CqlSchema.class.getResourceAsStream("/cql/" + name)) {
        if (in == null) {
          throw new IllegalStateException("missing CQL script /cql/" + name);
        }
        scripts.add(new Script(Integer.parseInt(m.group(1)), name, new String(in.readAllBytes(), StandardCharsets.UTF_8)));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read CQL script " + name, e);
      }
    }
    return scripts;
  }

  /** The statements of a script: comment lines dropped, split at a ';' that ends a line. */
  public static List<String> statements(String script) {
    List<String> out = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : script.split("\n")) {
      String trimmed = line.strip();
      if (trimmed.isEmpty() || trimmed.startsWith("--")) {
        continue;
      }
      current.append(line).append('\n');
      if (trimmed.endsWith(";")) {
        String statement = current.toString().strip();
        out.add(statement.substring(0, statement.length() - 1).strip());
        current.setLength(0);
      }
    }
    if (!current.toString().isBlank()) {
      throw new IllegalStateException("CQL script ends without ';': " + current.toString().strip());
    }
    return out;
  }
}
