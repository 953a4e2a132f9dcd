package io.parley.assets.upload;

import io.parley.assets.AssetId;
import io.parley.assets.AssetsUnavailableException;

/**
 * Where verified bytes go (S3 in production). A single put happens only after the bytes were
 * verified; a multipart upload is invisible until {@link Multipart#complete()}, so a refused or
 * failed upload never leaves an object behind.
 */
public interface ObjectSink {

  /** Stores {@code bytes[0..length)} as the object of {@code id}. */
  void put(AssetId id, byte[] bytes, int length, UploadMeta meta) throws AssetsUnavailableException;

  Multipart startMultipart(AssetId id, UploadMeta meta) throws AssetsUnavailableException;

  /** Whether the object of {@code id} exists now (another upload of the same bytes may have won). */
  boolean exists(AssetId id) throws AssetsUnavailableException;

  /** One multipart upload in progress. */
  interface Multipart {
    /** Parts are numbered from 1; the sink may keep {@code bytes} only until this returns. */
    void uploadPart(int partNumber, byte[] bytes, int length) throws AssetsUnavailableException;

    void complete() throws AssetsUnavailableException;

    /** Best effort: throws if the store cannot be told (the sweeper aborts it later). */
    void abort() throws AssetsUnavailableException;
  }
}
