package io.parley.assets;

import io.parley.assets.s3proxy.LocalS3;
import io.parley.auth.TokenService;
import io.parley.config.ConfigSource;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.S3Object;

/** Test plumbing: an asset server on its own bucket of a local S3, an HTTP client, and a look into the bucket. */
final class AssetFixture implements AutoCloseable {
  static final String SECRET = "assets-test-secret-0123456789abcdef0123456789";
  static final TokenService TOKENS = TokenService.fromSecret(SECRET, Duration.ofHours(1));
  private static final AtomicInteger BUCKETS = new AtomicInteger();

  final AssetServer server;
  final PrometheusRegistry registry;
  final String bucket;
  final S3Client s3;
  final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
      .connectTimeout(Duration.ofSeconds(5)).build();

  private AssetFixture(AssetServer server, String bucket, S3Client s3, PrometheusRegistry registry) {
    this.server = server;
    this.bucket = bucket;
    this.s3 = s3;
    this.registry = registry;
  }

  /** A server on a fresh bucket; {@code overrides} change the small test defaults. */
  /** Stops the service, then the S3 server under it; either may be null (a test that failed early). */
  static void stop(AssetFixture fixture, LocalS3 s3) {
    try {
      if (fixture != null) {
        fixture.close();
      }
    } finally {
      if (s3 != null) {
        s3.close();
      }
    }
  }

  static AssetFixture start(LocalS3 local, Map<String, String> overrides) throws Exception {
    String bucket = "test-" + ProcessHandle.current().pid() + "-" + BUCKETS.incrementAndGet();
    Map<String, String> settings = new HashMap<>(local.settings());
    settings.put("assets.s3.bucket", bucket);
    settings.put("assets.port", "0");
    settings.put("assets.multipart.threshold", String.valueOf(5 * 1024 * 1024));
    settings.put("assets.max.bytes", String.valueOf(24 * 1024 * 1024));
    settings.put("assets.s3.timeout", "5s");
    settings.putAll(overrides);
    PrometheusRegistry registry = new PrometheusRegistry();
    AssetServer server = AssetServer.start(AssetConfig.from(ConfigSource.of(settings)), TOKENS, registry);
    return new AssetFixture(server, bucket, s3For(local.endpoint()), registry);
  }

  static S3Client s3For(URI endpoint) {
    return S3Client.builder()
        .endpointOverride(endpoint)
        .region(Region.of(LocalS3.REGION))
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(LocalS3.ACCESS_KEY, LocalS3.SECRET_KEY)))
        .forcePathStyle(true)
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
        .httpClientBuilder(Apache5HttpClient.builder())
        .build();
  }

  URI asset(String sha256) {
    return server.uri().resolve("/v1/assets/" + sha256);
  }

  static String token(String user) {
    return TOKENS.issue(user, "phone");
  }

  HttpResponse<byte[]> send(HttpRequest request) throws IOException, InterruptedException {
    return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
  }

  HttpResponse<byte[]> head(String sha256, String user) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(asset(sha256)).method("HEAD", HttpRequest.BodyPublishers.noBody())
        .header("Authorization", "Bearer " + token(user)).build());
  }

  HttpResponse<byte[]> get(String sha256, String user) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(asset(sha256)).GET().header("Authorization", "Bearer " + token(user)).build());
  }

  HttpResponse<byte[]> put(String sha256, byte[] body, String user) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(asset(sha256))
        .header("Authorization", "Bearer " + token(user)).header("Content-Type", "image/jpeg")
        .PUT(HttpRequest.BodyPublishers.ofByteArray(body)).build());
  }

  /** The object keys in this test's bucket. */
  List<String> keys() {
    return s3.listObjectsV2Paginator(b -> b.bucket(bucket)).contents().stream().map(S3Object::key).toList();
  }

  /** Multipart uploads started and neither completed nor aborted. */
  List<String> pendingUploads() {
    return s3.listMultipartUploadsPaginator(b -> b.bucket(bucket)).uploads().stream().map(MultipartUpload::key).toList();
  }

  /** A counter's value; {@code labels} are name, value pairs. */
  double counter(String name, String... labels) {
    return Metrics.counter(registry, name, labels);
  }

  static byte[] randomBytes(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    server.close();
    s3.close();
  }
}
