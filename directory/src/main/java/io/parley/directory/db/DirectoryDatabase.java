package io.parley.directory.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.parley.directory.DirectoryConfig;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.sqlobject.SqlObjectPlugin;

/** The directory's MySQL: a connection pool, the schema migrated by Flyway at start, and Jdbi over it. */
public final class DirectoryDatabase implements AutoCloseable {
  private final HikariDataSource pool;
  private final Jdbi jdbi;

  private DirectoryDatabase(HikariDataSource pool) {
    this.pool = pool;
    this.jdbi = Jdbi.create(pool).installPlugin(new SqlObjectPlugin());
  }

  /** Connects and applies every migration under {@code db/migration} not applied yet. */
  public static DirectoryDatabase open(DirectoryConfig config) {
    return open(config, true);
  }

  /** @param migrate false for readers of a replica (e.g. gateways), which must not change the schema */
  /** How long a reader's query may wait for the database to answer. */
  static final int READER_SOCKET_TIMEOUT_MS = 5_000;

  public static DirectoryDatabase open(DirectoryConfig config, boolean migrate) {
    HikariConfig hikari = new HikariConfig();
    hikari.setJdbcUrl(config.jdbcUrl());
    hikari.setUsername(config.user());
    hikari.setPassword(config.password());
    hikari.setMaximumPoolSize(config.poolSize());
    hikari.setPoolName("parley-directory");
    hikari.setConnectionTimeout(10_000);
    if (!migrate) {
      // A reader starts without its database and answers "unavailable" until it can connect,
      // rather than not starting at all (and taking down what it serves without the directory).
      hikari.setInitializationFailTimeout(-1);
      // A database that hangs keeps its sockets open: without a read timeout a check would wait for
      // TCP to give up (minutes). Readers (gateways, the history API) answer without it instead.
      hikari.addDataSourceProperty("socketTimeout", String.valueOf(READER_SOCKET_TIMEOUT_MS));
      hikari.addDataSourceProperty("connectTimeout", String.valueOf(READER_SOCKET_TIMEOUT_MS));
    }
    HikariDataSource pool = new HikariDataSource(hikari);
    try {
      if (migrate) {
        Flyway.configure().dataSource(pool).locations("classpath:db/migration").load().migrate();
      }
    } catch (RuntimeException e) {
      pool.close();
      throw e;
    }
    return new DirectoryDatabase(pool);
  }

  public Jdbi jdbi() {
    return jdbi;
  }

  @Override
  public void close() {
    pool.close();
  }
}
