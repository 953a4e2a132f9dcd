package io.parley.docker;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;

/**
 * The cluster's S3 API server: s3proxy over a folder (one folder per bucket), on all addresses of
 * the container. {@code S3Main <folder> <port>}; the keys come from {@code PARLEY_S3_ACCESS_KEY} and
 * {@code PARLEY_S3_SECRET_KEY}. A production deployment points {@code assets.s3.*} at its S3 instead.
 */
public final class S3Main {
  private S3Main() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 2) {
      throw new IllegalArgumentException("usage: S3Main <folder> <port>");
    }
    Path dir = Path.of(args[0]);
    Files.createDirectories(dir);
    String access = required("PARLEY_S3_ACCESS_KEY");
    String secret = required("PARLEY_S3_SECRET_KEY");
    Properties props = new Properties();
    props.setProperty("jclouds.filesystem.basedir", dir.toAbsolutePath().toString());
    BlobStoreContext blobs = ContextBuilder.newBuilder("filesystem-nio2").credentials(access, secret).overrides(props)
        .build(BlobStoreContext.class);
    S3Proxy proxy = S3Proxy.builder().blobStore(blobs.getBlobStore())
        .endpoint(URI.create("http://0.0.0.0:" + Integer.parseInt(args[1])))
        .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, access, secret)
        .jettyMaxThreads(32).build();
    proxy.start();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        proxy.stop();
      } catch (Exception e) {
        throw new IllegalStateException("s3proxy did not stop", e);
      } finally {
        blobs.close();
      }
    }, "s3-shutdown"));
    Thread.currentThread().join();
  }

  private static String required(String env) {
    String v = System.getenv(env);
    if (v == null || v.isBlank()) {
      throw new IllegalArgumentException(env + " is required");
    }
    return v;
  }
}
