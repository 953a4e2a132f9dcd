package io.parley.devstack;

import io.parley.auth.TokenService;
import io.parley.config.ConfigSource;
import io.parley.gateway.session.SendPolicy;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.server.Handler;

/**
 * One more part of the local stack (a database, a service, a connector), started after Kafka and
 * before the gateways (its {@link #prepare} alongside the topology's start), and stopped in reverse order. What it contributes — settings for
 * the parts after it, HTTP routes on the one origin, checks on sends — is read once it has started.
 */
public interface LocalService extends AutoCloseable {

  /** What every local service gets. {@code config} already holds the broker address and token secret. */
  record Context(Path dataDir, ConfigSource config, PrometheusRegistry registry, TokenService tokens) {
    public String bootstrapServers() {
      return config.required("kafka.bootstrap.servers");
    }
  }

  String name();

  /**
   * Slow work that needs nothing from the other services (booting a database server), run at the
   * same time as theirs and before any {@link #start}. {@code context.config()} holds only the
   * stack's own settings here. Default: nothing.
   */
  default void prepare(Context context) throws Exception {}

  /** Called in order once every service is prepared; sees the settings of the services before it. */
  void start(Context context) throws Exception;

  /** Settings the topology, the gateways and later services should see (e.g. a database address). */
  default Map<String, String> settings() {
    return Map.of();
  }

  /** HTTP handlers to mount on every gateway, by Jetty path spec (e.g. {@code "/v1/users/*"}). */
  default Map<String, Handler> routes() {
    return Map.of();
  }

  /** Checks every gateway applies to a send before it reaches Kafka. */
  default List<SendPolicy> sendPolicies() {
    return List.of();
  }

  @Override
  void close() throws Exception;
}
