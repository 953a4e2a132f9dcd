package io.parley.assets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.parley.config.ConfigSource;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AssetConfigTest {

  @Test
  void shouldDefaultToAwsWithTheDocumentedLimits() {
    AssetConfig c = AssetConfig.from(ConfigSource.empty());
    assertThat(c.endpoint()).isEmpty();
    assertThat(c.bucket()).isEqualTo("parley-assets");
    assertThat(c.region()).isEqualTo("us-east-1");
    assertThat(c.accessKey()).isEmpty();
    assertThat(c.pathStyle()).isTrue();
    assertThat(c.maxBytes()).isEqualTo(64L * 1024 * 1024);
    assertThat(c.multipartThreshold()).isEqualTo(8 * 1024 * 1024);
    assertThat(c.urlTtl()).isEqualTo(Duration.ofMinutes(5));
    assertThat(c.cdnBaseUrl()).isEmpty();
    assertThat(c.port()).isEqualTo(8081);
  }

  @Test
  void shouldReadEverySetting() {
    AssetConfig c = AssetConfig.from(ConfigSource.of(Map.ofEntries(
        Map.entry("assets.s3.endpoint", "http://127.0.0.1:9000"),
        Map.entry("assets.s3.bucket", "media.parley"),
        Map.entry("assets.s3.region", "eu-west-3"),
        Map.entry("assets.s3.access.key", "AK"),
        Map.entry("assets.s3.secret.key", "SK"),
        Map.entry("assets.s3.path.style", "false"),
        Map.entry("assets.s3.timeout", "5s"),
        Map.entry("assets.max.bytes", "1048576"),
        Map.entry("assets.multipart.threshold", "5242880"),
        Map.entry("assets.max.concurrent.uploads", "4"),
        Map.entry("assets.url.ttl", "90s"),
        Map.entry("assets.cdn.base.url", "https://media.example.com"),
        Map.entry("assets.abandoned.upload.age", "2h"),
        Map.entry("assets.port", "0"))));
    assertThat(c.endpoint()).contains(URI.create("http://127.0.0.1:9000"));
    assertThat(c.bucket()).isEqualTo("media.parley");
    assertThat(c.region()).isEqualTo("eu-west-3");
    assertThat(c.accessKey()).contains("AK");
    assertThat(c.secretKey()).contains("SK");
    assertThat(c.pathStyle()).isFalse();
    assertThat(c.s3Timeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(c.maxBytes()).isEqualTo(1_048_576);
    assertThat(c.multipartThreshold()).isEqualTo(5_242_880);
    assertThat(c.maxConcurrentUploads()).isEqualTo(4);
    assertThat(c.urlTtl()).isEqualTo(Duration.ofSeconds(90));
    assertThat(c.cdnBaseUrl()).contains(URI.create("https://media.example.com"));
    assertThat(c.abandonedUploadAge()).isEqualTo(Duration.ofHours(2));
    assertThat(c.port()).isZero();
  }

  @Test
  void shouldRefuseSettingsThatCannotWork() {
    assertRefused("assets.s3.bucket", "Not_A_Bucket");
    assertRefused("assets.s3.endpoint", "ftp://host");
    assertRefused("assets.s3.endpoint", "not a url");
    assertRefused("assets.cdn.base.url", "https://cdn.example.com/?x=1");
    assertRefused("assets.max.bytes", "0");
    assertRefused("assets.multipart.threshold", String.valueOf(5 * 1024 * 1024 - 1));
    assertRefused("assets.url.ttl", "8d");
    assertRefused("assets.url.ttl", "500ms");
    assertRefused("assets.max.concurrent.uploads", "0");
    assertRefused("assets.abandoned.upload.age", "30s");
    assertRefused("assets.s3.access.key", "only-half-the-credentials");
  }

  @Test
  void shouldNotPrintTheSecretKey() {
    AssetConfig c = AssetConfig.from(ConfigSource.of(Map.of("assets.s3.access.key", "AK", "assets.s3.secret.key", "hunter2")));
    assertThat(c.toString()).contains("AK").doesNotContain("hunter2");
    assertThat(c.secretKey()).isEqualTo(Optional.of("hunter2"));
  }

  private static void assertRefused(String key, String value) {
    assertThatThrownBy(() -> AssetConfig.from(ConfigSource.of(Map.of(key, value))))
        .as("%s=%s", key, value).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(key.substring(0, 10));
  }
}
