package io.parley.http;

import io.parley.config.ConfigSource;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import org.eclipse.jetty.server.ServerConnector;

/**
 * What one client may hold of an HTTP server, the same for every Parley server (gateways and
 * services): how long a request's header may take to arrive, and how many connections one remote
 * address may have open at once.
 *
 * @param headerTimeout a request header must be complete this long after its first byte (the
 *     first request of a connection: after the connection opened); idle time between keep-alive
 *     requests is not counted
 * @param maxConnectionsPerAddress connections (HTTP or WebSocket) one remote address may hold at
 *     once; 0 for no limit, for a server behind a proxy that enforces it (every client then shares
 *     the proxy's address)
 */
public record HttpLimits(Duration headerTimeout, int maxConnectionsPerAddress) {
  public static final HttpLimits DEFAULTS = new HttpLimits(Duration.ofSeconds(10), 256);

  public HttpLimits {
    if (headerTimeout.isNegative() || headerTimeout.isZero()) {
      throw new IllegalArgumentException("http.header.timeout must be positive, was " + headerTimeout);
    }
    if (maxConnectionsPerAddress < 0) {
      throw new IllegalArgumentException("http.max.connections.per.address must be 0 (no limit) or more, was "
          + maxConnectionsPerAddress);
    }
  }

  public static HttpLimits from(ConfigSource config) {
    return new HttpLimits(
        config.duration("http.header.timeout", DEFAULTS.headerTimeout()),
        config.integer("http.max.connections.per.address", DEFAULTS.maxConnectionsPerAddress()));
  }

  /**
   * Puts both limits on a connector before it starts; what they close is counted in {@code registry}
   * ({@code parley_http_limit_closes_total{server=serverName, reason}}).
   */
  public void applyTo(ServerConnector connector, String serverName, PrometheusRegistry registry) {
    connector.addBean(new HeaderDeadline(serverName, headerTimeout, connector.getScheduler(),
        LimitCloses.of(registry, serverName, LimitCloses.HEADER_DEADLINE)));
    if (maxConnectionsPerAddress > 0) {
      connector.getSelectorManager().addEventListener(new AddressConnectionLimit(serverName, maxConnectionsPerAddress,
          LimitCloses.of(registry, serverName, LimitCloses.ADDRESS_LIMIT)));
    }
  }
}
