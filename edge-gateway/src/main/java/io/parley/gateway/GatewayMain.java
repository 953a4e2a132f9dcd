package io.parley.gateway;

import io.parley.config.ConfigSource;
import io.parley.kafka.KafkaMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Path;
import java.util.Optional;

/** Runs one gateway as its own process: {@code GatewayMain [parley.properties]}. */
public final class GatewayMain {
  private GatewayMain() {}

  public static void main(String[] args) throws Exception {
    Optional<Path> file = args.length > 0 ? Optional.of(Path.of(args[0])) : Optional.empty();
    GatewayConfig config = GatewayConfig.from(ConfigSource.load(file));
    PrometheusRegistry registry = PrometheusRegistry.defaultRegistry;
    JvmMetrics.builder().register(registry);
    GatewayServer gateway = GatewayServer.start(config, registry);
    registry.register(new KafkaMetrics("gateway", gateway::producerMetrics));
    Runtime.getRuntime().addShutdownHook(new Thread(gateway::close, "gateway-shutdown"));
    Thread.currentThread().join();
  }
}
