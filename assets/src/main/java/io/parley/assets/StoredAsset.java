package io.parley.assets;

import java.time.Instant;
import java.util.Optional;

/**
 * What the store knows about one asset, kept as the S3 object's own metadata: size, the media type
 * the first uploader declared, who that was, and when.
 */
public record StoredAsset(AssetId id, long size, String mime, Optional<String> uploader, Optional<Instant> uploadedAt) {}
