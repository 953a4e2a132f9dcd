package io.parley.http;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.URI;
import java.util.Map;
import org.eclipse.jetty.http.pathmap.PathSpec;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.server.handler.PathMappingsHandler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP server of a service run as its own process (directory, assets, history): its routes by
 * path spec, {@code /metrics} for Prometheus, {@code /healthz}, and {@code 404 not_found} for every
 * other path.
 */
public final class ServiceServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ServiceServer.class);

  private final String name;
  private final String host;
  private final Server server;
  private final ServerConnector connector;

  private ServiceServer(String name, String host, Server server, ServerConnector connector) {
    this.name = name;
    this.host = host;
    this.server = server;
    this.connector = connector;
  }

  /** With the default {@link HttpLimits}. */
  public static ServiceServer start(String name, String host, int port, Map<String, Handler> routes,
      PrometheusRegistry registry) throws Exception {
    return start(name, host, port, HttpLimits.DEFAULTS, routes, registry);
  }

  /**
   * @param name names the threads and the log lines
   * @param port 0 picks a free one
   */
  public static ServiceServer start(String name, String host, int port, HttpLimits limits, Map<String, Handler> routes,
      PrometheusRegistry registry) throws Exception {
    QueuedThreadPool threads = new QueuedThreadPool(200, 8);
    threads.setName(name);
    Server server = new Server(threads);
    ServerConnector connector = new ServerConnector(server);
    connector.setHost(host);
    connector.setPort(port);
    limits.applyTo(connector, name, registry);
    server.addConnector(connector);
    PathMappingsHandler paths = new PathMappingsHandler();
    routes.forEach((spec, handler) -> paths.addMapping(PathSpec.from(spec), handler));
    paths.addMapping(PathSpec.from("/metrics"), new MetricsHandler(registry));
    paths.addMapping(PathSpec.from("/healthz"), FixedReply.healthy());
    paths.addMapping(PathSpec.from("/"), FixedReply.notFound());
    ContextHandler root = new ContextHandler("/");
    root.setHandler(paths);
    server.setHandler(root);
    try {
      server.start();
    } catch (Exception e) {
      server.stop(); // whatever part of it started (threads, a bound port)
      throw e;
    }
    log.info("{} listening on {}:{}", name, host, connector.getLocalPort());
    return new ServiceServer(name, host, server, connector);
  }

  public int port() {
    return connector.getLocalPort();
  }

  /** Where a client on this machine reaches it (a server on every interface is reached on loopback). */
  public URI uri() {
    return URI.create("http://" + (host.equals("0.0.0.0") ? "127.0.0.1" : host) + ":" + port());
  }

  /** Stops taking requests; logs rather than throws, as it runs on the way out. */
  @Override
  public void close() {
    try {
      server.stop();
    } catch (Exception e) {
      log.warn("{} did not stop cleanly: {}", name, e.toString());
    }
  }
}
