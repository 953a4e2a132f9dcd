package io.parley.client.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MediaCipherTest {
  @TempDir
  Path dir;

  @Test
  void shouldRoundTripFilesOfAnySize() throws Exception {
    for (int size : new int[] {0, 1, 15, 16, 17, 65_536, 200_003}) {
      Path plain = file("plain-" + size, size);
      Path enc = dir.resolve("enc-" + size);
      Path back = dir.resolve("back-" + size);

      String key = MediaCipher.encrypt(plain, enc);
      MediaCipher.decrypt(enc, key, back);

      assertThat(Files.size(enc)).isEqualTo(size + 16 + 32);
      assertThat(Files.readAllBytes(back)).as("size %d", size).isEqualTo(Files.readAllBytes(plain));
      assertThat(key).startsWith("v1.").hasSizeLessThan(1024);
    }
  }

  @Test
  void shouldGiveEqualFilesUnrelatedCiphertexts() throws Exception {
    Path plain = file("photo", 10_000);
    Path a = dir.resolve("a");
    Path b = dir.resolve("b");
    String keyA = MediaCipher.encrypt(plain, a);
    String keyB = MediaCipher.encrypt(plain, b);
    assertThat(keyA).isNotEqualTo(keyB);
    assertThat(MediaClient.sha256(a)).isNotEqualTo(MediaClient.sha256(b));
  }

  @Test
  void shouldRefuseTamperedFilesAndWrongKeysWithoutWritingPlaintext() throws Exception {
    Path plain = file("doc", 5_000);
    Path enc = dir.resolve("enc");
    String key = MediaCipher.encrypt(plain, enc);
    Path out = dir.resolve("out");

    assertThatThrownBy(() -> MediaCipher.decrypt(enc, MediaCipher.encrypt(plain, dir.resolve("other")), out))
        .isInstanceOf(MediaCipher.IntegrityException.class);
    try (RandomAccessFile f = new RandomAccessFile(enc.toFile(), "rw")) {
      f.seek(100);
      int b = f.read();
      f.seek(100);
      f.write(b ^ 1);
    }
    assertThatThrownBy(() -> MediaCipher.decrypt(enc, key, out)).isInstanceOf(MediaCipher.IntegrityException.class);
    assertThatThrownBy(() -> MediaCipher.decrypt(enc, "v0.abc", out)).isInstanceOf(MediaCipher.IntegrityException.class);
    assertThat(out).doesNotExist();
  }

  @Test
  void shouldWriteAndReadTheProtocolsAttachmentShape() {
    Attachment a = new Attachment("ab".repeat(32), "image/jpeg", 1234, "v1.key", "cat.jpg");
    assertThat(a.toJson().toString())
        .isEqualTo("{\"asset\":\"" + "ab".repeat(32) + "\",\"mime\":\"image/jpeg\",\"size\":1234,\"key\":\"v1.key\",\"name\":\"cat.jpg\"}");
    assertThat(Attachment.fromJson(a.toJson())).isEqualTo(a);
    Attachment plain = new Attachment("cd".repeat(32), "image/png", 1, null, null);
    assertThat(plain.toJson().has("key")).isFalse();
    assertThat(Attachment.fromJson(plain.toJson())).isEqualTo(plain);
  }

  private Path file(String name, int size) throws Exception {
    byte[] bytes = new byte[size];
    new Random(size).nextBytes(bytes);
    return Files.write(dir.resolve(name), bytes);
  }
}
