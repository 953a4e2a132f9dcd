package io.parley.devstack;

import io.parley.assets.s3proxy.LocalS3;
import io.parley.net.FreePorts;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The local S3 API server ({@link LocalS3}: s3proxy over a folder) in a JVM of its own
 * ({@link ForkedJvm}), so that a test can SIGSTOP it: an object store that hangs with its connections
 * open. Output goes to {@code s3.log}; {@link #main} is what the fork runs.
 */
final class S3Process implements AutoCloseable {
  private static final String READY = "S3 ready on port ";

  private final ForkedJvm fork;
  private final int port;

  private S3Process(ForkedJvm fork, int port) {
    this.fork = fork;
    this.port = port;
  }

  /** The fork: {@code S3Process <folder> <port>} serves the folder's buckets until killed. */
  public static void main(String[] args) throws Exception {
    LocalS3 s3 = LocalS3.start(Path.of(args[0]), Integer.parseInt(args[1]));
    System.out.println(READY + s3.port());
    Thread.currentThread().join();
  }

  static S3Process start(Path dir, Duration timeout) throws Exception {
    int port = FreePorts.loopback();
    ForkedJvm fork = ForkedJvm.start("S3 server", dir.resolve("s3.log"), "256m", ForkedJvm.testClassPath(),
        S3Process.class.getName(), dir.resolve("s3").toString(), String.valueOf(port));
    try {
      fork.await(Pattern.compile(Pattern.quote(READY)), timeout, "ready");
    } catch (Exception | AssertionError e) {
      fork.close();
      throw e;
    }
    return new S3Process(fork, port);
  }

  /** The asset service's settings that point it at this server. */
  Map<String, String> settings() {
    return Map.of(
        "assets.s3.endpoint", "http://127.0.0.1:" + port,
        "assets.s3.region", LocalS3.REGION,
        "assets.s3.access.key", LocalS3.ACCESS_KEY,
        "assets.s3.secret.key", LocalS3.SECRET_KEY,
        "assets.s3.path.style", "true");
  }

  /** SIGSTOP: the server hangs; its connections stay open and nothing answers. */
  void pause() throws Exception {
    fork.pause();
  }

  void resume() throws Exception {
    fork.resume();
  }

  String tail() {
    return fork.tail();
  }

  @Override
  public void close() {
    fork.close();
  }
}
