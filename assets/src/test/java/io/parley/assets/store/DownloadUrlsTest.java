package io.parley.assets.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DownloadUrlsTest {
  private static final URI PRESIGNED = URI.create(
      "http://127.0.0.1:9000/parley-assets/abc?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=k%2F20260101%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Signature=ff");

  @Test
  void shouldLeaveThePresignedUrlAloneWithoutACdn() {
    assertThat(DownloadUrls.onOrigin(PRESIGNED, Optional.empty())).isEqualTo(PRESIGNED);
  }

  @Test
  void shouldMoveOnlyTheOriginToTheCdnKeepingPathAndSignedQueryVerbatim() {
    URI url = DownloadUrls.onOrigin(PRESIGNED, Optional.of(URI.create("https://media.example.com")));
    assertThat(url.toString()).isEqualTo("https://media.example.com/parley-assets/abc?" + PRESIGNED.getRawQuery());
  }

  @Test
  void shouldPrefixTheCdnPath() {
    assertThat(DownloadUrls.onOrigin(PRESIGNED, Optional.of(URI.create("https://cdn.example.com:8443/s3/"))).toString())
        .startsWith("https://cdn.example.com:8443/s3/parley-assets/abc?X-Amz-Algorithm=");
  }
}
