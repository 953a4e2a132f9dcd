package io.parley.assets.store;

import java.net.URI;
import java.util.Optional;

/**
 * Where a download redirect points. A presigned S3 URL as it is, or — with a CDN in front — the
 * same path and signed query on the CDN's origin. The CDN must forward path and query unchanged to
 * the S3 endpoint with the endpoint's own Host (an S3 origin in CloudFront does), so S3 still
 * verifies the signature and expiry.
 */
public final class DownloadUrls {
  private DownloadUrls() {}

  public static URI onOrigin(URI presigned, Optional<URI> cdnBase) {
    if (cdnBase.isEmpty()) {
      return presigned;
    }
    URI base = cdnBase.get();
    String prefix = base.getRawPath() == null ? "" : base.getRawPath().replaceAll("/+$", "");
    String query = presigned.getRawQuery() == null ? "" : "?" + presigned.getRawQuery();
    return URI.create(base.getScheme() + "://" + base.getRawAuthority() + prefix + presigned.getRawPath() + query);
  }
}
