package io.parley.directory;

import io.parley.auth.TokenService;
import io.parley.config.ConfigSource;
import io.parley.directory.http.DirectoryApi;
import io.parley.http.FixedReply;
import io.parley.http.MetricsHandler;
import io.parley.kafka.Topics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Path;
import java.util.Optional;
import org.eclipse.jetty.http.pathmap.PathSpec;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.PathMappingsHandler;

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

    Server server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost(config.string("directory.host", "0.0.0.0"));
    connector.setPort(config.integer("directory.port", 8081));
    server.addConnector(connector);
    PathMappingsHandler paths = new PathMappingsHandler();
    DirectoryApi.pathSpecs().forEach(spec -> paths.addMapping(PathSpec.from(spec), service.api()));
    paths.addMapping(PathSpec.from("/metrics"), new MetricsHandler(PrometheusRegistry.defaultRegistry));
    paths.addMapping(PathSpec.from("/healthz"), FixedReply.healthy());
    paths.addMapping(PathSpec.from("/"), FixedReply.notFound());
    server.setHandler(paths);
    server.start();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        server.stop();
      } catch (Exception e) {
        // the process is ending either way
      }
      service.close();
    }, "directory-shutdown"));
    server.join();
  }
}
