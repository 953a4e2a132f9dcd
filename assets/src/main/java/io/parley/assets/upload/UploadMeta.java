package io.parley.assets.upload;

import java.time.Instant;

/** What is recorded with a new asset: the declared media type, who uploaded it first, and when. */
public record UploadMeta(String mime, String uploader, Instant uploadedAt) {}
