package io.parley.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.parley.client.media.Attachment;
import io.parley.client.media.AssetHttpException;
import io.parley.client.media.MediaClient;
import io.parley.http.HttpJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The S3 API server hangs for 30 s (SIGSTOP, in a process of its own: {@link S3Process}) while
 * messages flow and a user uploads a file every quarter second. Messages do not depend on it; an
 * upload during the hang fails clearly (503 {@code unavailable}, once the S3 client's four
 * attempts have each waited {@code assets.s3.timeout}) instead of hanging; a send whose attachment cannot be checked is refused with
 * {@code unavailable}, one whose asset is known is taken; every upload that was acknowledged before,
 * during or after the hang downloads intact afterwards, and every failed one succeeds when retried.
 */
class S3FaultIT {
  private static final Duration S3_TIMEOUT = Duration.ofSeconds(3);
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static S3Process s3;
  private static FaultStack f;
  private static StackFixture it;

  @BeforeAll
  static void start() throws Exception {
    f = FaultStack.start("s3-faults", FaultStack.seed(), dir -> {
      s3 = S3Process.start(dir, Duration.ofSeconds(60));
      Map<String, String> settings = new HashMap<>(s3.settings());
      settings.put("assets.s3.timeout", S3_TIMEOUT.toSeconds() + "s");
      settings.put("gateway.sends.per.second", "1000");
      return new StackFixture(2, settings);
    });
    it = f.it;
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (f != null) {
        f.close();
      }
    } finally {
      if (s3 != null) {
        s3.close();
      }
    }
  }

  /** One upload: its file, when it started and ended, and its answer (null: acknowledged). */
  record Upload(Path file, String asset, long startNanos, long endNanos, String failure) {
    long millis() {
      return (endNanos - startNanos) / 1_000_000;
    }
  }

  @Test
  @Timeout(240)
  void shouldFailUploadsClearlyAndLoseNoAcknowledgedMediaWhenS3HangsFor30Seconds() throws Exception {
    try (FaultRun run = f.run("s3Hangs", s3::tail)) {
      CrashLedger ledger = new CrashLedger();
      List<SendLoad.Route> routes = run.pairs(ledger, "s3", 2);
      String owner = "s3-media";
      String peer = "s3-peer";
      it.users(owner, peer);
      MediaClient media = new MediaClient(it.stack.gateway(0).uri(), it.stack.tokens().issue(owner, "phone"));
      Path files = Files.createDirectories(f.dir.resolve("media"));
      Attachment known = media.sendFileAsIs(Files.write(files.resolve("known.bin"), randomBytes(run.random, 50_000)),
          "application/octet-stream");
      WsClient sender;
      WsClient recipient;
      List<Upload> uploads = new CopyOnWriteArrayList<>();
      long paused;
      long resumed;
      String withUnchecked = UUID.randomUUID().toString();
      Attachment unchecked = new Attachment(HexFormat.of().formatHex(randomBytes(run.random, 32)), "image/png", 10, null, null);
      try (SendLoad traffic = run.start(ledger, routes, 20)) {
        run.awaitFlowing(ledger, 20);
        // after the soak of ./parley faults: these sockets send nothing until the hang, and a silent socket is closed
        sender = it.connect(0, owner, "phone");
        recipient = it.connect(1, peer, "phone");
        Thread uploader = new Thread(() -> uploadEvery250Ms(media, files, run.random, uploads), "uploader");
        uploader.start();
        try {
          Thread.sleep(3_000);
          s3.pause();
          paused = System.nanoTime();
          run.log("S3 hung (SIGSTOP) after %d uploads and %d sends", uploads.size(), ledger.sentCount());
          Thread.sleep(2 * S3_TIMEOUT.toMillis());

          // a send whose attachment is known is taken; one whose attachment cannot be checked is refused, clearly
          String withKnown = UUID.randomUUID().toString();
          sender.sendRaw(sendFrame(withKnown, peer, known));
          sender.next(frame -> "sent".equals(frame.path("type").asText()) && withKnown.equals(frame.path("id").asText()), WAIT);
          assertThat(recipient.next("message", WAIT).get("id").asText()).isEqualTo(withKnown);
          long t0 = System.nanoTime();
          sender.sendRaw(sendFrame(withUnchecked, peer, unchecked));
          JsonNode refused = sender.next(error(withUnchecked), WAIT);
          assertThat(refused.get("code").asText()).isEqualTo("unavailable");
          run.log("a send whose attachment could not be checked: %s in %d ms; one whose attachment is known: delivered",
              refused.get("code").asText(), (System.nanoTime() - t0) / 1_000_000);

          Thread.sleep(Math.max(0, (paused + 30_000_000_000L - System.nanoTime()) / 1_000_000));
        } finally {
          s3.resume();
        }
        resumed = System.nanoTime();
        run.log("S3 resumed after 30 s; %d uploads so far", uploads.size());
        Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() ->
            uploads.stream().anyMatch(u -> u.startNanos() > resumed && u.failure() == null));
        Upload firstAfter = uploads.stream().filter(u -> u.startNanos() > resumed && u.failure() == null).findFirst().orElseThrow();
        run.log("the first upload after the resume succeeded %d ms after it", (firstAfter.endNanos() - resumed) / 1_000_000);
        // the same send again, now that S3 can be asked: the asset was never uploaded
        sender.sendRaw(sendFrame(withUnchecked, peer, unchecked));
        assertThat(sender.next(error(withUnchecked), WAIT).get("code").asText()).isEqualTo("unknown_asset");
        Thread.sleep(4_000);
        uploader.interrupt();
        uploader.join(30_000);
        run.awaitCaughtUp(ledger, ledger.sentCount());
      }
      run.verify(ledger);
      checkUploads(run, media, files, uploads, paused, resumed);
    }
  }

  private static void checkUploads(FaultRun run, MediaClient media, Path files, List<Upload> uploads, long paused, long resumed)
      throws Exception {
    List<Upload> acknowledged = uploads.stream().filter(u -> u.failure() == null).toList();
    List<Upload> failed = uploads.stream().filter(u -> u.failure() != null).toList();
    long longestFailure = failed.stream().mapToLong(Upload::millis).max().orElse(0);
    run.log("uploads: %d, acknowledged %d, failed %d (longest failing call %d ms): %s", uploads.size(), acknowledged.size(),
        failed.size(), longestFailure, failed.stream().map(Upload::failure).distinct().toList());
    assertThat(uploads.stream().filter(u -> u.endNanos() < paused)).as("uploads before the hang").isNotEmpty()
        .allMatch(u -> u.failure() == null);
    assertThat(failed).as("uploads during the hang fail").isNotEmpty()
        .allMatch(u -> u.failure().startsWith("503 unavailable"), "503 unavailable");
    // the SDK's four attempts, each given the S3 timeout to answer
    assertThat(longestFailure).as("a failing upload answers within four S3 timeouts, with room").isLessThan(5 * S3_TIMEOUT.toMillis());
    assertThat(uploads.stream().filter(u -> u.startNanos() > resumed + 1_000_000_000L)).as("uploads after the resume").isNotEmpty()
        .allMatch(u -> u.failure() == null);
    // nothing acknowledged is lost; what failed goes through on a retry
    for (Upload u : acknowledged) {
      Path back = media.download(new Attachment(u.asset(), "application/octet-stream", Files.size(u.file()), null, null),
          files.resolve(u.asset() + ".back"));
      assertThat(Files.readAllBytes(back)).as("acknowledged upload " + u.asset()).isEqualTo(Files.readAllBytes(u.file()));
    }
    for (Upload u : failed) {
      media.upload(u.file());
      assertThat(media.exists(u.asset())).isTrue();
    }
  }

  private static void uploadEvery250Ms(MediaClient media, Path files, Random random, List<Upload> uploads) {
    int n = 0;
    while (!Thread.currentThread().isInterrupted()) {
      try {
        Path file = Files.write(files.resolve("upload-" + n++ + ".bin"), randomBytes(random, 16_384));
        long start = System.nanoTime();
        String failure = null;
        String asset = HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        try {
          media.upload(file);
        } catch (AssetHttpException e) {
          failure = e.getMessage();
        }
        uploads.add(new Upload(file, asset, start, System.nanoTime(), failure));
        Thread.sleep(250);
      } catch (InterruptedException e) {
        return;
      } catch (Exception e) {
        throw new IllegalStateException("upload did not answer over HTTP", e);
      }
    }
  }

  private static java.util.function.Predicate<JsonNode> error(String ref) {
    return frame -> "error".equals(frame.path("type").asText()) && ref.equals(frame.path("ref").asText());
  }

  private static byte[] randomBytes(Random random, int size) {
    byte[] bytes = new byte[size];
    random.nextBytes(bytes);
    return bytes;
  }

  private static String sendFrame(String id, String to, Attachment attachment) {
    ObjectNode frame = HttpJson.MAPPER.createObjectNode().put("type", "send").put("id", id).put("body", "see attached");
    frame.putObject("to").put("user", to);
    frame.putArray("attachments").add(attachment.toJson());
    return frame.toString();
  }
}
