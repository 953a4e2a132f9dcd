package io.parley.assets;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/** Every metric the asset service exports, named in one place. */
public final class AssetMetrics {
  private final Counter uploads;
  private final Counter dedupeHits;
  private final Counter receivedBytes;
  private final Counter storedBytes;
  private final Counter refusals;
  private final Counter downloads;
  private final Counter sweptUploads;
  private final Counter parts;
  private final Histogram uploadSeconds;

  private AssetMetrics(PrometheusRegistry registry) {
    uploads = Counter.builder().name("parley_assets_uploads_total")
        .help("PUTs that ended with the asset stored: created (new object) or existed (deduplicated)")
        .labelNames("result").register(registry);
    dedupeHits = Counter.builder().name("parley_assets_dedupe_hits_total")
        .help("asset already stored: found by HEAD (the client skips its upload) or by PUT (the body is discarded)")
        .labelNames("via").register(registry);
    receivedBytes = Counter.builder().name("parley_assets_received_bytes_total")
        .help("upload bytes read from clients, stored or not").register(registry);
    storedBytes = Counter.builder().name("parley_assets_stored_bytes_total")
        .help("bytes of newly created assets").register(registry);
    refusals = Counter.builder().name("parley_assets_refusals_total")
        .help("requests answered with an error, by error code").labelNames("code").register(registry);
    downloads = Counter.builder().name("parley_assets_downloads_total")
        .help("download redirects to a signed URL").register(registry);
    sweptUploads = Counter.builder().name("parley_assets_abandoned_uploads_aborted_total")
        .help("multipart uploads the sweeper aborted").register(registry);
    parts = Counter.builder().name("parley_assets_multipart_parts_total")
        .help("parts sent to S3 by multipart uploads (uploads over assets.multipart.threshold)").register(registry);
    uploadSeconds = Histogram.builder().name("parley_assets_upload_seconds")
        .help("from the start of a PUT to the asset stored")
        .classicUpperBounds(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120).register(registry);
  }

  public static AssetMetrics register(PrometheusRegistry registry) {
    return new AssetMetrics(registry);
  }

  public void created(long bytes, int multipartParts, long nanos) {
    uploads.labelValues("created").inc();
    parts.inc(multipartParts);
    storedBytes.inc(bytes);
    uploadSeconds.observe(nanos / 1e9);
  }

  public void existed(String via) {
    if ("put".equals(via)) {
      uploads.labelValues("existed").inc();
    }
    dedupeHits.labelValues(via).inc();
  }

  public void received(long bytes) {
    receivedBytes.inc(bytes);
  }

  public void refused(String code) {
    refusals.labelValues(code).inc();
  }

  public void downloaded() {
    downloads.inc();
  }

  public void swept(int aborted) {
    sweptUploads.inc(aborted);
  }
}
