package io.parley.assets.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.parley.http.HttpError;
import org.junit.jupiter.api.Test;

class AssetHandlerTest {
  private static final String ID = "0".repeat(63) + "f";

  @Test
  void shouldTakeTheIdFromThePath() throws Exception {
    assertThat(AssetHandler.assetOf("/v1/assets/" + ID).sha256()).isEqualTo(ID);
  }

  @Test
  void shouldAnswer400ForAMalformedIdAnd404ForOtherPaths() {
    assertStatus("/v1/assets/" + ID.toUpperCase(), 400);
    assertStatus("/v1/assets/xyz", 400);
    assertStatus("/v1/assets/", 404);
    assertStatus("/v1/assets", 404);
    assertStatus("/v1/assets/" + ID + "/x", 404);
    assertStatus("/v1/other/" + ID, 404);
  }

  @Test
  void shouldRecordTheDeclaredMediaTypeWithoutParameters() throws Exception {
    assertThat(MediaTypes.declared(null)).isEqualTo("application/octet-stream");
    assertThat(MediaTypes.declared("Image/JPEG; quality=high")).isEqualTo("image/jpeg");
    assertThat(MediaTypes.declared("video/mp4")).isEqualTo("video/mp4");
    assertThatThrownBy(() -> MediaTypes.declared("not a type")).isInstanceOf(HttpError.class);
    assertThatThrownBy(() -> MediaTypes.declared("text/" + "x".repeat(100))).isInstanceOf(HttpError.class);
  }

  private static void assertStatus(String path, int status) {
    assertThatThrownBy(() -> AssetHandler.assetOf(path)).as(path)
        .isInstanceOfSatisfying(HttpError.class, e -> assertThat(e.status()).isEqualTo(status));
  }
}
