package io.parley.history;

import io.parley.auth.TokenService;
import io.parley.config.ConfigSource;
import io.parley.http.HttpLimits;
import io.parley.http.ServiceServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.URI;

/**
 * The history API as its own process: {@link HistoryBackend}'s routes behind a Jetty server on
 * {@code history.host:history.port}, with {@code /metrics} and {@code /healthz}. A load balancer
 * routes {@code /v1/conversations/*}, {@code /v1/users/{id}/conversations},
 * {@code /v1/users/{id}/presence} and {@code /v1/trends} of the public origin here. Stateless: run as many as the reads need.
 */
public final class HistoryServer implements AutoCloseable {
  private final HistoryBackend backend;
  private final ServiceServer server;

  private HistoryServer(HistoryBackend backend, ServiceServer server) {
    this.backend = backend;
    this.server = server;
  }

  /** {@code history.host} (default {@code 0.0.0.0}), {@code history.port} (default 8082; 0: a free one), {@link HttpLimits}' and {@link HistoryBackend}'s keys. */
  public static HistoryServer start(ConfigSource config, TokenService tokens, PrometheusRegistry registry) throws Exception {
    String host = config.string("history.host", "0.0.0.0");
    int port = config.integer("history.port", 8082);
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("history.port must be 0..65535, was " + port);
    }
    HistoryBackend backend = HistoryBackend.open(config, tokens, registry, false);
    try {
      return new HistoryServer(backend, ServiceServer.start("history", host, port, HttpLimits.from(config), backend.routes(),
          registry));
    } catch (Exception e) {
      backend.close();
      throw e;
    }
  }

  public int port() {
    return server.port();
  }

  public URI uri() {
    return server.uri();
  }

  @Override
  public void close() {
    try {
      server.close();
    } finally {
      backend.close();
    }
  }
}
