package io.parley.assets.s3proxy;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real S3 API server on loopback, for the local stack and the tests: s3proxy in-process over a
 * folder (jclouds {@code filesystem-nio2}), speaking AWS signature v2 and v4, so the asset service
 * runs the same AWS SDK calls it runs against AWS S3 or MinIO. Objects survive a restart on the same
 * folder, which is how tests take S3 away and bring it back.
 *
 * <p>Development only: the keys are fixed strings and nothing is encrypted.
 */
public final class LocalS3 implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LocalS3.class);
  public static final String ACCESS_KEY = "parley-local";
  public static final String SECRET_KEY = "parley-local-secret-key";
  public static final String REGION = "us-east-1";

  private final S3Proxy proxy;
  private final BlobStoreContext blobs;
  private final Path dataDir;
  private final int port;

  private LocalS3(S3Proxy proxy, BlobStoreContext blobs, Path dataDir, int port) {
    this.proxy = proxy;
    this.blobs = blobs;
    this.dataDir = dataDir;
    this.port = port;
  }

  /**
   * Starts serving the buckets under {@code dataDir} (one folder per bucket) on
   * {@code 127.0.0.1:port}; port 0 picks a free one.
   */
  public static LocalS3 start(Path dataDir, int port) throws Exception {
    Files.createDirectories(dataDir);
    Properties props = new Properties();
    props.setProperty("jclouds.filesystem.basedir", dataDir.toAbsolutePath().toString());
    BlobStoreContext blobs = ContextBuilder.newBuilder("filesystem-nio2")
        .credentials(ACCESS_KEY, SECRET_KEY)
        .overrides(props)
        .build(BlobStoreContext.class);
    S3Proxy proxy = S3Proxy.builder()
        .blobStore(blobs.getBlobStore())
        .endpoint(URI.create("http://127.0.0.1:" + port))
        .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
        .jettyMaxThreads(32)
        .build();
    try {
      proxy.start();
      long deadline = System.currentTimeMillis() + 10_000;
      while (!"STARTED".equals(proxy.getState())) {
        if (System.currentTimeMillis() > deadline) {
          throw new IllegalStateException("s3proxy did not start: " + proxy.getState());
        }
        Thread.sleep(10);
      }
    } catch (Exception e) {
      stopQuietly(proxy);
      blobs.close();
      throw e;
    }
    int bound = proxy.getPort();
    log.info("local S3 serving {} on http://127.0.0.1:{}", dataDir, bound);
    return new LocalS3(proxy, blobs, dataDir, bound);
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + port);
  }

  public int port() {
    return port;
  }

  public Path dataDir() {
    return dataDir;
  }

  /** The asset service's settings that point it at this server. */
  public Map<String, String> settings() {
    return Map.of(
        "assets.s3.endpoint", endpoint().toString(),
        "assets.s3.region", REGION,
        "assets.s3.access.key", ACCESS_KEY,
        "assets.s3.secret.key", SECRET_KEY,
        "assets.s3.path.style", "true");
  }

  @Override
  public void close() {
    stopQuietly(proxy);
    blobs.close();
    log.info("local S3 on port {} stopped", port);
  }

  private static void stopQuietly(S3Proxy proxy) {
    try {
      proxy.stop();
    } catch (Exception e) {
      log.warn("s3proxy did not stop cleanly: {}", e.toString());
    }
  }
}
