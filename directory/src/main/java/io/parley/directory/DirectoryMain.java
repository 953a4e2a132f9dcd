package io.parley.directory;

import io.parley.auth.TokenService;
import io.parley.config.ConfigSource;
import io.parley.http.HttpLimits;
import io.parley.http.ServiceServer;
import io.parley.kafka.Topics;
import io.parley.process.UntilShutdown;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Runs the directory as its own process: {@code DirectoryMain [parley.properties]}; port {@code directory.port},
 * with {@code /metrics} and {@code /healthz}.
 */
public final class DirectoryMain {
  private DirectoryMain() {}

  public static void main(String[] args) throws Exception {
    ConfigSource config = ConfigSource.load(args.length > 0 ? Optional.of(Path.of(args[0])) : Optional.empty());
    DirectoryConfig directoryConfig = DirectoryConfig.from(config);
    TokenService tokens = TokenService.fromSecret(config.required("auth.token.secret"), directoryConfig.tokenTtl());
    DirectoryService service = DirectoryService.start(directoryConfig, config.string("kafka.bootstrap.servers", "127.0.0.1:9092"),
        Topics.from(config), tokens, (short) config.integer("kafka.replication.factor", 1));

    ServiceServer server = ServiceServer.start("directory", config.string("directory.host", "0.0.0.0"),
        config.integer("directory.port", 8081), HttpLimits.from(config), service.routes(), PrometheusRegistry.defaultRegistry);
    UntilShutdown.close("directory-shutdown", server, service);
  }
}
