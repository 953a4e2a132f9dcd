package io.parley.assets;

import io.parley.config.ConfigSource;
import io.parley.http.HttpLimits;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * Settings of the asset service, validated once at start.
 *
 * @param endpoint the S3 API endpoint; empty means AWS S3 in {@code region}
 * @param accessKey with {@code secretKey}: static credentials; both empty means the AWS default chain
 *     (environment, profile, instance role)
 * @param pathStyle {@code http://host/bucket/key} addressing (MinIO, s3proxy); false for virtual hosts
 * @param s3Timeout how long one S3 call may wait for the server before the request fails with 503
 * @param maxBytes the largest asset accepted; larger uploads get 413
 * @param multipartThreshold uploads up to this size go to S3 in one PUT; larger ones in multipart
 *     parts of this size. It is also the most one upload holds in memory.
 * @param maxConcurrentUploads uploads served at once; more wait briefly, then get 503
 * @param urlTtl how long a download URL stays valid
 * @param cdnBaseUrl when set, download URLs point at this origin instead of the S3 endpoint
 * @param abandonedUploadAge multipart uploads older than this are aborted by the sweeper
 * @param host the standalone server's interface ({@link AssetServer})
 * @param port the standalone server's port; 0 picks a free one
 * @param httpLimits the standalone server's header deadline and connections per address ({@code http.*})
 */
public record AssetConfig(
    Optional<URI> endpoint,
    String bucket,
    String region,
    Optional<String> accessKey,
    Optional<String> secretKey,
    boolean pathStyle,
    Duration s3Timeout,
    long maxBytes,
    int multipartThreshold,
    int maxConcurrentUploads,
    Duration urlTtl,
    Optional<URI> cdnBaseUrl,
    Duration abandonedUploadAge,
    String host,
    int port,
    HttpLimits httpLimits) {

  /** S3 refuses multipart parts below 5 MiB (except the last). */
  public static final int MIN_PART_BYTES = 5 * 1024 * 1024;
  /** Parts are held in memory while they are hashed and sent; keep them modest. */
  public static final int MAX_PART_BYTES = 256 * 1024 * 1024;
  /** SigV4 presigned URLs live at most a week. */
  public static final Duration MAX_URL_TTL = Duration.ofDays(7);

  public AssetConfig {
    endpoint.ifPresent(u -> requireHttp("assets.s3.endpoint", u));
    cdnBaseUrl.ifPresent(u -> requireHttp("assets.cdn.base.url", u));
    if (!bucket.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")) {
      throw new IllegalArgumentException("assets.s3.bucket must be a valid S3 bucket name, was '" + bucket + "'");
    }
    if (region.isBlank()) {
      throw new IllegalArgumentException("assets.s3.region must be set");
    }
    if (accessKey.isPresent() != secretKey.isPresent()) {
      throw new IllegalArgumentException("assets.s3.access.key and assets.s3.secret.key are set together or not at all");
    }
    if (s3Timeout.isNegative() || s3Timeout.isZero()) {
      throw new IllegalArgumentException("assets.s3.timeout must be positive");
    }
    if (maxBytes < 1) {
      throw new IllegalArgumentException("assets.max.bytes must be positive, was " + maxBytes);
    }
    if (multipartThreshold < MIN_PART_BYTES || multipartThreshold > MAX_PART_BYTES) {
      throw new IllegalArgumentException("assets.multipart.threshold must be between " + MIN_PART_BYTES + " and "
          + MAX_PART_BYTES + " bytes, was " + multipartThreshold);
    }
    if (maxConcurrentUploads < 1) {
      throw new IllegalArgumentException("assets.max.concurrent.uploads must be at least 1");
    }
    if (urlTtl.compareTo(Duration.ofSeconds(1)) < 0 || urlTtl.compareTo(MAX_URL_TTL) > 0) {
      throw new IllegalArgumentException("assets.url.ttl must be between 1s and 7d, was " + urlTtl);
    }
    if (abandonedUploadAge.compareTo(Duration.ofMinutes(1)) < 0) {
      // A slow phone may take many minutes over a large upload; the sweeper must not abort it.
      throw new IllegalArgumentException("assets.abandoned.upload.age must be at least 1m, was " + abandonedUploadAge);
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("assets.port must be 0..65535, was " + port);
    }
  }

  /** As the record would print it, with the secret key left out (settings end up in logs). */
  @Override
  public String toString() {
    return "AssetConfig[endpoint=" + endpoint + ", bucket=" + bucket + ", region=" + region + ", accessKey=" + accessKey
        + ", secretKey=" + secretKey.map(s -> "****") + ", pathStyle=" + pathStyle + ", s3Timeout=" + s3Timeout
        + ", maxBytes=" + maxBytes + ", multipartThreshold=" + multipartThreshold + ", maxConcurrentUploads="
        + maxConcurrentUploads + ", urlTtl=" + urlTtl + ", cdnBaseUrl=" + cdnBaseUrl + ", abandonedUploadAge="
        + abandonedUploadAge + ", host=" + host + ", port=" + port + ", httpLimits=" + httpLimits + "]";
  }

  public static AssetConfig from(ConfigSource config) {
    return new AssetConfig(
        config.get("assets.s3.endpoint").map(v -> uri("assets.s3.endpoint", v)),
        config.string("assets.s3.bucket", "parley-assets"),
        config.string("assets.s3.region", "us-east-1"),
        config.get("assets.s3.access.key"),
        config.get("assets.s3.secret.key"),
        config.bool("assets.s3.path.style", true),
        config.duration("assets.s3.timeout", Duration.ofSeconds(30)),
        config.longValue("assets.max.bytes", 64L * 1024 * 1024),
        config.integer("assets.multipart.threshold", 8 * 1024 * 1024),
        config.integer("assets.max.concurrent.uploads", 16),
        config.duration("assets.url.ttl", Duration.ofMinutes(5)),
        config.get("assets.cdn.base.url").map(v -> uri("assets.cdn.base.url", v)),
        config.duration("assets.abandoned.upload.age", Duration.ofDays(1)),
        config.string("assets.host", "127.0.0.1"),
        config.integer("assets.port", 8081),
        HttpLimits.from(config));
  }

  private static URI uri(String key, String value) {
    try {
      return new URI(value);
    } catch (java.net.URISyntaxException e) {
      throw new IllegalArgumentException("setting " + key + " must be a URL, was '" + value + "'");
    }
  }

  private static void requireHttp(String key, URI uri) {
    String scheme = uri.getScheme();
    if (!("http".equals(scheme) || "https".equals(scheme)) || uri.getHost() == null) {
      throw new IllegalArgumentException("setting " + key + " must be an http(s) URL with a host, was '" + uri + "'");
    }
    if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
      throw new IllegalArgumentException("setting " + key + " must not have a query or fragment, was '" + uri + "'");
    }
  }
}
