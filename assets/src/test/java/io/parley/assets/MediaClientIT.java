package io.parley.assets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.parley.assets.s3proxy.LocalS3;
import io.parley.client.media.AssetHttpException;
import io.parley.client.media.Attachment;
import io.parley.client.media.MediaCipher;
import io.parley.client.media.MediaClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The client SDK's media path (encrypt, hash, check, upload, fetch, verify, decrypt) against the real service. */
class MediaClientIT {
  @TempDir
  Path dir;
  LocalS3 localS3;
  AssetFixture f;
  MediaClient alice;
  MediaClient bob;

  @BeforeEach
  void start() throws Exception {
    localS3 = LocalS3.start(dir.resolve("s3"), 0);
    f = AssetFixture.start(localS3, Map.of());
    alice = new MediaClient(f.server.uri(), AssetFixture.token("alice"));
    bob = new MediaClient(f.server.uri(), AssetFixture.token("bob"));
  }

  @AfterEach
  void stop() {
    AssetFixture.stop(f, localS3);
  }

  @Test
  @Timeout(60)
  void shouldSendAnEncryptedPictureThatOnlyTheKeyOpens() throws Exception {
    Path picture = Files.write(dir.resolve("cat.jpg"), AssetFixture.randomBytes(7 * 1024 * 1024 + 3, 1));

    Attachment sent = alice.sendFile(picture, "image/jpeg");

    assertThat(sent.key()).startsWith("v1.");
    assertThat(sent.name()).isEqualTo("cat.jpg");
    assertThat(sent.size()).isEqualTo(Files.size(picture) + 48);
    assertThat(f.keys()).containsExactly(sent.asset());
    // What the server holds is ciphertext: it does not hash like the picture.
    assertThat(sent.asset()).isNotEqualTo(AssetFixture.sha256(Files.readAllBytes(picture)));

    Path received = bob.download(Attachment.fromJson(sent.toJson()), dir.resolve("received.jpg"));
    assertThat(Files.readAllBytes(received)).isEqualTo(Files.readAllBytes(picture));

    Attachment wrongKey = new Attachment(sent.asset(), sent.mime(), sent.size(), bob.sendFile(picture, "image/jpeg").key(), null);
    assertThatThrownBy(() -> bob.download(wrongKey, dir.resolve("garbage.jpg"))).isInstanceOf(MediaCipher.IntegrityException.class);
    assertThat(dir.resolve("garbage.jpg")).doesNotExist();
  }

  @Test
  @Timeout(60)
  void shouldUploadIdenticalBytesOnce() throws Exception {
    Path sticker = Files.write(dir.resolve("sticker.webp"), AssetFixture.randomBytes(40_000, 2));

    MediaClient.Upload first = alice.upload(sticker);
    MediaClient.Upload second = bob.upload(sticker);

    assertThat(first.transferred()).isTrue();
    assertThat(second.transferred()).as("bob's client saw it exists and sent nothing").isFalse();
    assertThat(second.asset()).isEqualTo(first.asset());
    assertThat(f.keys()).containsExactly(first.asset());
    assertThat(f.counter("parley_assets_dedupe_hits_total", "via", "head")).isEqualTo(1);
  }

  @Test
  @Timeout(60)
  void shouldReportRefusalsWithTheirCode() throws Exception {
    MediaClient stranger = new MediaClient(f.server.uri(), "not-a-token");
    assertThatThrownBy(() -> stranger.exists("0".repeat(64)))
        .isInstanceOfSatisfying(AssetHttpException.class, e -> assertThat(e.code()).isEqualTo("unauthorized"));
    assertThatThrownBy(() -> alice.downloadUrl("0".repeat(64)))
        .isInstanceOfSatisfying(AssetHttpException.class, e -> assertThat(e.status()).isEqualTo(404));
  }
}
