package io.parley.assets.http;

import io.parley.assets.AssetCatalog;
import io.parley.assets.AssetId;
import io.parley.assets.AssetMetrics;
import io.parley.assets.AssetsUnavailableException;
import io.parley.assets.StoredAsset;
import io.parley.assets.store.S3AssetStore;
import io.parley.assets.upload.UploadMeta;
import io.parley.assets.upload.UploadPipeline;
import io.parley.assets.upload.UploadRefusedException;
import io.parley.auth.Principal;
import io.parley.http.BearerTokens;
import io.parley.http.HttpError;
import io.parley.http.HttpJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code HEAD|PUT|GET /v1/assets/{sha256}}: exists?, upload (verified, deduplicated), download by
 * redirect to a short-lived signed URL. Every call needs a bearer token. Blocking: uploads stream
 * through the calling thread, a bounded number at a time.
 */
public final class AssetHandler extends Handler.Abstract {
  private static final Logger log = LoggerFactory.getLogger(AssetHandler.class);
  public static final String ROUTE = "/v1/assets/*";
  static final String PREFIX = "/v1/assets/";
  private static final long UNAVAILABLE_LOG_INTERVAL_MS = 10_000;

  private final BearerTokens bearer;
  private final S3AssetStore store;
  private final AssetCatalog catalog;
  private final UploadPipeline pipeline;
  private final Semaphore uploadPermits;
  private final long maxBytes;
  private final AssetMetrics metrics;
  private final Clock clock;
  private final AtomicLong lastUnavailableLog = new AtomicLong();

  public AssetHandler(BearerTokens bearer, S3AssetStore store, AssetCatalog catalog, UploadPipeline pipeline,
      long maxBytes, int maxConcurrentUploads, AssetMetrics metrics, Clock clock) {
    this.maxBytes = maxBytes;
    this.bearer = bearer;
    this.store = store;
    this.catalog = catalog;
    this.pipeline = pipeline;
    this.uploadPermits = new Semaphore(maxConcurrentUploads);
    this.metrics = metrics;
    this.clock = clock;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    try {
      Principal caller = bearer.authenticate(request);
      // The full path: a prefix path spec shortens the path in context to what follows the prefix.
      AssetId id = assetOf(request.getHttpURI().getCanonicalPath());
      switch (request.getMethod()) {
        case "HEAD" -> head(id, response, callback);
        case "GET" -> get(id, response, callback);
        case "PUT" -> put(caller, id, request, response, callback);
        default -> {
          response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD, PUT");
          throw new HttpError(405, "method_not_allowed", "assets support HEAD, GET and PUT");
        }
      }
    } catch (HttpError e) {
      refuse(response, callback, e);
    } catch (AssetsUnavailableException e) {
      logUnavailable(e);
      refuse(response, callback, new HttpError(503, "unavailable", "the asset store is unavailable; retry shortly", 5));
    } catch (RuntimeException e) {
      log.error("asset request {} {} failed", request.getMethod(), request.getHttpURI().getPath(), e);
      refuse(response, callback, new HttpError(500, "internal", "the asset service failed"));
    }
    return true;
  }

  /** The id in {@code /v1/assets/{id}}: anything else under the prefix is 404, a malformed id 400. */
  static AssetId assetOf(String path) throws HttpError {
    if (path == null || !path.startsWith(PREFIX) || path.length() == PREFIX.length() || path.indexOf('/', PREFIX.length()) >= 0) {
      throw HttpError.notFound("no such endpoint; assets are at /v1/assets/{sha256}");
    }
    String id = path.substring(PREFIX.length());
    return AssetId.parse(id).orElseThrow(() -> HttpError.badRequest("an asset id is the lower-case hex SHA-256 of its bytes (64 digits)"));
  }

  private void head(AssetId id, Response response, Callback callback) throws HttpError, AssetsUnavailableException {
    if (!catalog.exists(id)) {
      throw HttpError.notFound("no such asset");
    }
    metrics.existed("head");
    response.setStatus(200);
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    callback.succeeded();
  }

  private void get(AssetId id, Response response, Callback callback) throws HttpError, AssetsUnavailableException {
    if (!catalog.exists(id)) {
      throw HttpError.notFound("no such asset");
    }
    response.setStatus(302);
    response.getHeaders().put(HttpHeader.LOCATION, store.downloadUrl(id).toString());
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    metrics.downloaded();
    callback.succeeded();
  }

  private void put(Principal caller, AssetId id, Request request, Response response, Callback callback)
      throws HttpError, AssetsUnavailableException {
    long started = System.nanoTime();
    long declared = request.getLength();
    if (declared > maxBytes) {
      // Refused before any byte is read: a client that sent Expect: 100-continue never sends them.
      throw new HttpError(413, "too_large", "assets are at most " + maxBytes + " bytes");
    }
    String mime = MediaTypes.declared(request.getHeaders().get(HttpHeader.CONTENT_TYPE));
    Optional<StoredAsset> existing = store.find(id);
    if (existing.isPresent()) {
      catalog.remember(id);
      discardBody(request);
      metrics.existed("put");
      HttpJson.write(response, callback, 200, Map.of("asset", id.sha256(), "size", existing.get().size()));
      return;
    }
    if (!acquireUploadPermit()) {
      throw new HttpError(503, "unavailable", "too many uploads in progress; retry shortly", 1);
    }
    UploadPipeline.Outcome outcome;
    try (CountingInputStream body = new CountingInputStream(Content.Source.asInputStream(request))) {
      try {
        outcome = pipeline.upload(id, body, declared, new UploadMeta(mime, caller.user(), clock.instant()));
      } finally {
        metrics.received(body.count());
      }
    } catch (UploadRefusedException e) {
      throw new HttpError(e.refusal().status(), e.refusal().code(), e.getMessage());
    } catch (IOException e) {
      throw new IllegalStateException("closing an upload body failed", e);
    } finally {
      uploadPermits.release();
    }
    catalog.remember(id);
    if (outcome.created()) {
      metrics.created(outcome.size(), outcome.parts(), System.nanoTime() - started);
      response.getHeaders().put(HttpHeader.LOCATION, PREFIX + id.sha256());
      HttpJson.write(response, callback, 201, Map.of("asset", id.sha256(), "size", outcome.size()));
    } else {
      metrics.existed("put");
      HttpJson.write(response, callback, 200, Map.of("asset", id.sha256(), "size", outcome.size()));
    }
  }

  private boolean acquireUploadPermit() {
    try {
      return uploadPermits.tryAcquire(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * The asset exists, so the body is not needed. A client that sent {@code Expect: 100-continue}
   * has not sent it yet and never will; any other client is sending it now, and reading it to the
   * end keeps its connection usable.
   */
  private void discardBody(Request request) {
    if (request.getHeaders().contains(HttpHeader.EXPECT, HttpHeaderValue.CONTINUE.asString())) {
      return;
    }
    try (InputStream in = Content.Source.asInputStream(request)) {
      long skipped = in.transferTo(OutputStream.nullOutputStream());
      metrics.received(skipped);
    } catch (IOException e) {
      log.debug("a discarded upload body broke off: {}", e.toString());
    }
  }

  private void refuse(Response response, Callback callback, HttpError e) {
    metrics.refused(e.code());
    HttpJson.error(response, callback, e);
  }

  private void logUnavailable(AssetsUnavailableException e) {
    long now = System.currentTimeMillis();
    long last = lastUnavailableLog.get();
    if (now - last >= UNAVAILABLE_LOG_INTERVAL_MS && lastUnavailableLog.compareAndSet(last, now)) {
      log.warn("asset store unavailable (further failures within {} s are not logged): {}",
          UNAVAILABLE_LOG_INTERVAL_MS / 1000, e.getMessage());
    }
  }
}
