package io.parley.assets;

import io.parley.auth.TokenService;
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
 * The asset service as its own process: {@link AssetService} behind a Jetty server on
 * {@code assets.host:assets.port}, with {@code /metrics} and {@code /healthz}. A load balancer
 * routes {@code /v1/assets/*} of the public origin here.
 */
public final class AssetServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AssetServer.class);

  private final AssetService service;
  private final Server server;
  private final ServerConnector connector;

  private AssetServer(AssetService service, Server server, ServerConnector connector) {
    this.service = service;
    this.server = server;
    this.connector = connector;
  }

  public static AssetServer start(AssetConfig config, TokenService tokens, PrometheusRegistry registry) throws Exception {
    AssetService service = AssetService.start(config, tokens, registry);
    QueuedThreadPool threads = new QueuedThreadPool(200, 8);
    threads.setName("assets");
    Server server = new Server(threads);
    ServerConnector connector = new ServerConnector(server);
    connector.setHost(config.host());
    connector.setPort(config.port());
    server.addConnector(connector);
    PathMappingsHandler paths = new PathMappingsHandler();
    service.routes().forEach((spec, handler) -> paths.addMapping(PathSpec.from(spec), handler));
    paths.addMapping(PathSpec.from("/metrics"), new MetricsHandler(registry));
    paths.addMapping(PathSpec.from("/healthz"), FixedReply.healthy());
    paths.addMapping(PathSpec.from("/"), FixedReply.notFound());
    ContextHandler root = new ContextHandler("/");
    root.setHandler(paths);
    server.setHandler(root);
    try {
      server.start();
    } catch (Exception e) {
      service.close();
      throw e;
    }
    AssetServer running = new AssetServer(service, server, connector);
    log.info("asset service listening on {}", running.uri());
    return running;
  }

  public AssetService service() {
    return service;
  }

  public int port() {
    return connector.getLocalPort();
  }

  public URI uri() {
    return URI.create("http://" + service.config().host() + ":" + port());
  }

  @Override
  public void close() {
    try {
      server.stop();
    } catch (Exception e) {
      log.warn("asset server did not stop cleanly: {}", e.toString());
    } finally {
      service.close();
    }
  }
}
