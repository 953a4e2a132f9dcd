package io.parley.assets;

import io.parley.assets.http.AssetHandler;
import io.parley.assets.store.S3AssetStore;
import io.parley.assets.upload.UploadPipeline;
import io.parley.auth.TokenService;
import io.parley.http.BearerTokens;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.server.Handler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The asset service without a server of its own: the S3 bucket (created if missing), the HTTP
 * handler for {@value AssetHandler#ROUTE}, the catalog the gateway asks about attachments, and the
 * sweeper of abandoned multipart uploads. {@link AssetServer} puts it behind its own Jetty; the local
 * stack mounts {@link #routes()} on its gateways instead.
 */
public final class AssetService implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AssetService.class);
  private static final long SWEEP_EVERY_MINUTES = 60;

  private final AssetConfig config;
  private final S3AssetStore store;
  private final AssetCatalog catalog;
  private final AssetMetrics metrics;
  private final AssetHandler handler;
  private final ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "assets-sweeper");
    t.setDaemon(true);
    return t;
  });

  private AssetService(AssetConfig config, S3AssetStore store, TokenService tokens, AssetMetrics metrics) {
    this.config = config;
    this.store = store;
    this.metrics = metrics;
    this.catalog = new AssetCatalog(store::exists, 100_000);
    this.handler = new AssetHandler(new BearerTokens(tokens), store, catalog,
        new UploadPipeline(store, config.maxBytes(), config.multipartThreshold()),
        config.maxBytes(), config.maxConcurrentUploads(), metrics, Clock.systemUTC());
  }

  /**
   * Connects to S3, creates the bucket if it is missing, and schedules the sweeper.
   *
   * @param tokens verifies the callers' bearer tokens (the secret every Parley process shares)
   * @param registry where the {@code parley_assets_*} metrics are registered (once per registry)
   * @throws AssetsUnavailableException S3 cannot be reached or the bucket cannot be created
   */
  public static AssetService start(AssetConfig config, TokenService tokens, PrometheusRegistry registry)
      throws AssetsUnavailableException {
    S3AssetStore store = S3AssetStore.connect(config);
    try {
      store.ensureBucket();
    } catch (AssetsUnavailableException | RuntimeException e) {
      store.close();
      throw e;
    }
    AssetService service = new AssetService(config, store, tokens, AssetMetrics.register(registry));
    service.sweeper.scheduleWithFixedDelay(service::sweep, 0, SWEEP_EVERY_MINUTES, TimeUnit.MINUTES);
    log.info("asset service on bucket {} ({}), uploads up to {} bytes", config.bucket(),
        config.endpoint().map(Object::toString).orElse("AWS " + config.region()), config.maxBytes());
    return service;
  }

  /** The HTTP handler; mount it at {@value AssetHandler#ROUTE}. */
  public Handler handler() {
    return handler;
  }

  /** The routes to mount, by Jetty path spec. */
  public Map<String, Handler> routes() {
    return Map.of(AssetHandler.ROUTE, handler);
  }

  /** For the gateway: whether an attachment's asset exists (positive answers are cached). */
  public AssetCatalog catalog() {
    return catalog;
  }

  public AssetConfig config() {
    return config;
  }

  /**
   * Aborts the multipart uploads started before {@code startedBefore}; returns how many. The sweeper
   * calls it hourly with now minus {@code assets.abandoned.upload.age}.
   */
  public int sweepAbandonedUploads(Instant startedBefore) throws AssetsUnavailableException {
    int aborted = store.abortUploadsStartedBefore(startedBefore);
    metrics.swept(aborted);
    if (aborted > 0) {
      log.info("aborted {} abandoned multipart uploads", aborted);
    }
    return aborted;
  }

  private void sweep() {
    try {
      sweepAbandonedUploads(Instant.now().minus(config.abandonedUploadAge()));
    } catch (AssetsUnavailableException e) {
      log.warn("sweeping abandoned uploads failed; next try in {} min: {}", SWEEP_EVERY_MINUTES, e.getMessage());
    } catch (RuntimeException e) {
      log.error("sweeping abandoned uploads failed", e);
    }
  }

  @Override
  public void close() {
    sweeper.shutdownNow();
    store.close();
  }
}
