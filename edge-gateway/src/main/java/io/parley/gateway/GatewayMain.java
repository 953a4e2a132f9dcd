package io.parley.gateway;

import io.parley.assets.AssetCatalog;
import io.parley.assets.AssetConfig;
import io.parley.config.ConfigSource;
import io.parley.directory.DirectoryConfig;
import io.parley.directory.SendChecks;
import io.parley.directory.db.DirectoryDatabase;
import io.parley.gateway.session.AssetSendPolicy;
import io.parley.gateway.session.DirectorySendPolicy;
import io.parley.gateway.session.SendPolicy;
import io.parley.kafka.KafkaMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one gateway as its own process: {@code GatewayMain [parley.properties]}. With
 * {@code directory.jdbc.url} set it refuses sends to unknown users and groups the sender is not in
 * (reading the directory's database, never writing it); with {@code gateway.check.assets} (default
 * true) it refuses attachments that name an asset the S3 bucket ({@code assets.s3.*}) does not hold.
 */
public final class GatewayMain {
  private static final Logger log = LoggerFactory.getLogger(GatewayMain.class);

  private GatewayMain() {}

  public static void main(String[] args) throws Exception {
    Optional<Path> file = args.length > 0 ? Optional.of(Path.of(args[0])) : Optional.empty();
    ConfigSource settings = ConfigSource.load(file);
    GatewayConfig config = GatewayConfig.from(settings);
    List<AutoCloseable> owned = new ArrayList<>();
    SendPolicy policy = sendPolicy(settings, owned);
    PrometheusRegistry registry = PrometheusRegistry.defaultRegistry;
    JvmMetrics.builder().register(registry);
    GatewayServer gateway = GatewayServer.start(config, registry, GatewayMetrics.register(registry), policy, Map.of());
    // One collector for both clients: their shared metric names (app-info) must come out as one family.
    registry.register(new KafkaMetrics("gateway", () -> {
      Map<org.apache.kafka.common.MetricName, org.apache.kafka.common.Metric> both = new java.util.HashMap<>(gateway.producerMetrics());
      both.putAll(gateway.consumerMetrics());
      return both;
    }));
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      gateway.close();
      owned.forEach(GatewayMain::closeQuietly);
    }, "gateway-shutdown"));
    Thread.currentThread().join();
  }

  /** The checks this deployment's settings ask for; what they open is added to {@code owned}. */
  static SendPolicy sendPolicy(ConfigSource settings, List<AutoCloseable> owned) {
    List<SendPolicy> policies = new ArrayList<>();
    if (settings.get("directory.jdbc.url").isPresent()) {
      DirectoryDatabase database = DirectoryDatabase.open(DirectoryConfig.from(settings), false);
      owned.add(database::close);
      policies.add(new DirectorySendPolicy(new SendChecks(database.jdbi())));
      log.info("sends are checked against the directory");
    } else {
      log.warn("directory.jdbc.url is not set: sends to unknown users are not refused at the gateway");
    }
    if (settings.bool("gateway.check.assets", true)) {
      AssetCatalog catalog = AssetCatalog.connect(AssetConfig.from(settings));
      owned.add(catalog);
      policies.add(new AssetSendPolicy(catalog));
    }
    return SendPolicy.all(policies);
  }

  private static void closeQuietly(AutoCloseable resource) {
    try {
      resource.close();
    } catch (Exception e) {
      log.warn("closing {} failed: {}", resource, e.toString());
    }
  }
}
