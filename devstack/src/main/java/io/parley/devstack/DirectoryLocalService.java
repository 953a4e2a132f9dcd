package io.parley.devstack;

import io.parley.auth.TokenService;
import io.parley.directory.DirectoryConfig;
import io.parley.directory.DirectoryService;
import io.parley.directory.SendChecks;
import io.parley.directory.local.LocalMariaDb;
import io.parley.gateway.session.DirectorySendPolicy;
import io.parley.gateway.session.SendPolicy;
import io.parley.kafka.Topics;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.server.Handler;

/**
 * The directory in the local stack: a real MariaDB server (unless {@code directory.jdbc.url} points
 * at one), the directory with its outbox relay, its API on the one origin, and its checks on sends.
 * Later services find the database through {@code directory.jdbc.url} and {@code directory.jdbc.user}.
 */
public final class DirectoryLocalService implements LocalService {
  private LocalMariaDb mariaDb;
  private DirectoryService directory;
  private Map<String, String> settings = Map.of();

  @Override
  public String name() {
    return "directory";
  }

  /** Boots the local MariaDB server, unless the settings name a database. */
  @Override
  public void prepare(Context context) throws Exception {
    if (context.config().get("directory.jdbc.url").isEmpty()) {
      mariaDb = LocalMariaDb.start(context.dataDir().resolve("mariadb"));
    }
  }

  @Override
  public void start(Context context) throws Exception {
    var config = context.config();
    if (config.get("directory.jdbc.url").isEmpty()) {
      // Later services (the history API's group checks) read the same database with these.
      settings = Map.of("directory.jdbc.url", mariaDb.database("parley"), "directory.jdbc.user", "root");
      config = config.with(settings);
    }
    DirectoryConfig directoryConfig = DirectoryConfig.from(config);
    TokenService tokens = TokenService.fromSecret(config.required("auth.token.secret"), directoryConfig.tokenTtl());
    directory = DirectoryService.start(directoryConfig, context.bootstrapServers(), Topics.from(config), tokens,
        (short) config.integer("kafka.replication.factor", 1));
  }

  public DirectoryService directory() {
    return directory;
  }

  /** The database's address when this service started the server; otherwise the configured one stands. */
  @Override
  public Map<String, String> settings() {
    return settings;
  }

  @Override
  public Map<String, Handler> routes() {
    return directory.routes();
  }

  @Override
  public List<SendPolicy> sendPolicies() {
    return List.of(new DirectorySendPolicy(new SendChecks(directory.database().jdbi())));
  }

  @Override
  public void close() throws Exception {
    if (directory != null) {
      directory.close();
    }
    if (mariaDb != null) {
      mariaDb.close();
    }
  }
}
