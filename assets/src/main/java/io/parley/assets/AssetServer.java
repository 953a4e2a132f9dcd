package io.parley.assets;

import io.parley.auth.TokenService;
import io.parley.http.ServiceServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.URI;

/**
 * The asset service as its own process: {@link AssetService} behind a Jetty server on
 * {@code assets.host:assets.port}, with {@code /metrics} and {@code /healthz}. A load balancer
 * routes {@code /v1/assets/*} of the public origin here.
 */
public final class AssetServer implements AutoCloseable {
  private final AssetService service;
  private final ServiceServer server;

  private AssetServer(AssetService service, ServiceServer server) {
    this.service = service;
    this.server = server;
  }

  public static AssetServer start(AssetConfig config, TokenService tokens, PrometheusRegistry registry) throws Exception {
    AssetService service = AssetService.start(config, tokens, registry);
    try {
      return new AssetServer(service, ServiceServer.start("assets", config.host(), config.port(), config.httpLimits(),
          service.routes(), registry));
    } catch (Exception e) {
      service.close();
      throw e;
    }
  }

  public AssetService service() {
    return service;
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
      service.close();
    }
  }
}
