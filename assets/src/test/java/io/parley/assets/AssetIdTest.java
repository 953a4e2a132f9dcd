package io.parley.assets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.MessageDigest;
import org.junit.jupiter.api.Test;

class AssetIdTest {
  private static final String EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

  @Test
  void shouldAcceptOnlyLowerCaseHexSha256() {
    assertThat(AssetId.parse(EMPTY_SHA256)).contains(new AssetId(EMPTY_SHA256));
    assertThat(AssetId.parse(EMPTY_SHA256.toUpperCase())).isEmpty();
    assertThat(AssetId.parse(EMPTY_SHA256.substring(1))).isEmpty();
    assertThat(AssetId.parse(EMPTY_SHA256 + "0")).isEmpty();
    assertThat(AssetId.parse("g" + EMPTY_SHA256.substring(1))).isEmpty();
    assertThat(AssetId.parse(null)).isEmpty();
    assertThatThrownBy(() -> new AssetId("abc")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void shouldBeTheHexOfTheDigestAndKeyTheObjectByIt() throws Exception {
    AssetId id = AssetId.ofDigest(MessageDigest.getInstance("SHA-256").digest(new byte[0]));
    assertThat(id.sha256()).isEqualTo(EMPTY_SHA256);
    assertThat(id.objectKey()).isEqualTo(EMPTY_SHA256);
    assertThat(id).hasToString(EMPTY_SHA256);
  }
}
