package io.parley.assets;

import static io.parley.assets.AssetFixture.randomBytes;
import static io.parley.assets.AssetFixture.sha256;
import static io.parley.assets.AssetFixture.token;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.parley.assets.s3proxy.LocalS3;
import io.parley.http.HttpJson;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** S3 goes away — before a request and in the middle of an upload — and comes back. */
class S3OutageIT {
  private static final int MIB = 1024 * 1024;
  @TempDir
  Path s3Dir;
  LocalS3 localS3;
  AssetFixture f;

  @AfterEach
  void stop() {
    AssetFixture.stop(f, localS3);
  }

  @Test
  @Timeout(90)
  void shouldAnswer503AndStoreNothingWhileS3IsDownThenRecover() throws Exception {
    localS3 = LocalS3.start(s3Dir, 0);
    f = AssetFixture.start(localS3, Map.of());
    byte[] video = randomBytes(11 * MIB, 1);
    String id = sha256(video);
    CountDownLatch resume = new CountDownLatch(1);

    // The client sends 6 MiB, enough for the first 5 MiB part to reach S3, then waits.
    CompletableFuture<HttpResponse<byte[]>> upload = f.http.sendAsync(HttpRequest.newBuilder(f.asset(id))
        .header("Authorization", "Bearer " + token("alice"))
        .PUT(HttpRequest.BodyPublishers.fromPublisher(
            HttpRequest.BodyPublishers.ofInputStream(() -> new PausingStream(video, 6 * MIB, resume)), video.length))
        .build(), HttpResponse.BodyHandlers.ofByteArray());
    await().atMost(Duration.ofSeconds(20)).until(() -> f.pendingUploads().contains(id));
    // The first part follows its multipart upload's start at once (s3proxy's folder store cannot list parts).
    Thread.sleep(1_000);

    int port = localS3.port();
    localS3.close();
    localS3 = null;
    resume.countDown();

    HttpResponse<byte[]> failed = upload.get(30, TimeUnit.SECONDS);
    assertThat(failed.statusCode()).isEqualTo(503);
    assertThat(HttpJson.MAPPER.readTree(failed.body()).get("code").asText()).isEqualTo("unavailable");
    assertThat(failed.headers().firstValue("Retry-After")).isPresent();

    byte[] photo = randomBytes(1_000, 2);
    assertThat(f.head(sha256(photo), "bob").statusCode()).isEqualTo(503);
    assertThat(f.put(sha256(photo), photo, "bob").statusCode()).isEqualTo(503);
    assertThat(f.get(sha256(photo), "bob").statusCode()).isEqualTo(503);
    assertThat(f.counter("parley_assets_refusals_total", "code", "unavailable")).isEqualTo(4);

    localS3 = LocalS3.start(s3Dir, port);
    assertThat(f.keys()).as("no object for the asset, not even a partial one").doesNotContain(id);
    assertThat(f.head(id, "alice").statusCode()).isEqualTo(404);
    // The abort could not reach S3 either: the multipart upload is left (never an object) until the sweeper
    // aborts it. (s3proxy's folder store lists its bookkeeping files as keys meanwhile; S3 does not.)
    assertThat(f.pendingUploads()).containsExactly(id);
    // (s3proxy reports every upload as started when it is listed, so sweep everything up to a minute from now.)
    assertThat(f.server.service().sweepAbandonedUploads(Instant.now().plusSeconds(60))).isEqualTo(1);
    assertThat(f.pendingUploads()).isEmpty();
    assertThat(f.keys()).isEmpty();

    // The service recovers without a restart.
    assertThat(f.put(id, video, "alice").statusCode()).isEqualTo(201);
    assertThat(f.put(sha256(photo), photo, "bob").statusCode()).isEqualTo(201);
    assertThat(f.keys()).containsExactlyInAnyOrder(id, sha256(photo));
  }

  @Test
  @Timeout(60)
  void shouldRefuseToStartWhenS3CannotBeReached() throws Exception {
    localS3 = LocalS3.start(s3Dir, 0);
    Map<String, String> settings = new java.util.HashMap<>(localS3.settings());
    localS3.close();
    localS3 = null;
    settings.put("assets.s3.timeout", "2s");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> AssetService.start(
            AssetConfig.from(io.parley.config.ConfigSource.of(settings)), AssetFixture.TOKENS,
            new io.prometheus.metrics.model.registry.PrometheusRegistry()))
        .isInstanceOf(AssetsUnavailableException.class).hasMessageContaining("bucket");
  }

  /** Serves {@code bytes}, stopping after {@code pauseAt} until {@code resume} opens. */
  private static final class PausingStream extends InputStream {
    private final ByteArrayInputStream in;
    private final int pauseAt;
    private final CountDownLatch resume;
    private int served;

    PausingStream(byte[] bytes, int pauseAt, CountDownLatch resume) {
      this.in = new ByteArrayInputStream(bytes);
      this.pauseAt = pauseAt;
      this.resume = resume;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (served == pauseAt) {
        try {
          if (!resume.await(60, TimeUnit.SECONDS)) {
            throw new UncheckedIOException(new IOException("never resumed"));
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new UncheckedIOException(new IOException("interrupted"));
        }
      }
      int limit = served < pauseAt ? Math.min(len, pauseAt - served) : len;
      int n = in.read(b, off, limit);
      if (n > 0) {
        served += n;
      }
      return n;
    }
  }
}
