package io.parley.history;

import io.parley.auth.TokenService;
import io.parley.config.ConfigSource;
import io.parley.http.FixedReply;
import io.parley.http.MetricsHandler;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.URI;
import org.eclipse.jetty.http.pathmap.PathSpec;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.server.handler.PathMappingsHandler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The history API as its own process: {@link HistoryBackend}'s routes behind a Jetty server on
 * {@code history.host:history.port}, with {@code /metrics} and {@code /healthz}. A load balancer
 * routes {@code /v1/conversations/*}, {@code /v1/users/{id}/conversations} and
 * {@code /v1/users/{id}/presence} of the public origin here. Stateless: run as many as the reads need.
 */
public final class HistoryServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HistoryServer.class);

  private final HistoryBackend backend;
  private final Server server;
  private final ServerConnector connector;
  private final String host;

  private HistoryServer(HistoryBackend backend, Server server, ServerConnector connector, String host) {
    this.backend = backend;
    this.server = server;
    this.connector = connector;
    this.host = host;
  }

  /** {@code history.host} (default {@code 0.0.0.0}), {@code history.port} (default 8082; 0: a free one), and {@link HistoryBackend}'s keys. */
  public static HistoryServer start(ConfigSource config, TokenService tokens, PrometheusRegistry registry) throws Exception {
    String host = config.string("history.host", "0.0.0.0");
    int port = config.integer("history.port", 8082);
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("history.port must be 0..65535, was " + port);
    }
    HistoryBackend backend = HistoryBackend.open(config, tokens, registry, false);
    QueuedThreadPool threads = new QueuedThreadPool(200, 8);
    threads.setName("history");
    Server server = new Server(threads);
    ServerConnector connector = new ServerConnector(server);
    connector.setHost(host);
    connector.setPort(port);
    server.addConnector(connector);
    PathMappingsHandler paths = new PathMappingsHandler();
    backend.routes().forEach((spec, handler) -> paths.addMapping(PathSpec.from(spec), handler));
    paths.addMapping(PathSpec.from("/metrics"), new MetricsHandler(registry));
    paths.addMapping(PathSpec.from("/healthz"), FixedReply.healthy());
    paths.addMapping(PathSpec.from("/"), FixedReply.notFound());
    ContextHandler root = new ContextHandler("/");
    root.setHandler(paths);
    server.setHandler(root);
    try {
      server.start();
    } catch (Exception e) {
      backend.close();
      throw e;
    }
    HistoryServer running = new HistoryServer(backend, server, connector, host);
    log.info("history API listening on {}", running.uri());
    return running;
  }

  public int port() {
    return connector.getLocalPort();
  }

  public URI uri() {
    return URI.create("http://" + (host.equals("0.0.0.0") ? "127.0.0.1" : host) + ":" + port());
  }

  @Override
  public void close() {
    try {
      server.stop();
    } catch (Exception e) {
      log.warn("history server did not stop cleanly: {}", e.toString());
    } finally {
      backend.close();
    }
  }
}
