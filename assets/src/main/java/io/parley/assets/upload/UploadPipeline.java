package io.parley.assets.upload;

import io.parley.assets.AssetId;
import io.parley.assets.AssetsUnavailableException;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams one upload into an {@link ObjectSink} while hashing it, and keeps it only if the bytes
 * hash to the id they claim. At most one part ({@code partBytes}) is in memory at a time: a body
 * that fits in one part is verified first and then put in one request; a larger one goes up in
 * multipart parts and is completed only after the last byte matched the hash, and aborted on any
 * refusal or failure.
 */
public final class UploadPipeline {
  private static final Logger log = LoggerFactory.getLogger(UploadPipeline.class);

  private final ObjectSink sink;
  private final long maxBytes;
  private final int partBytes;

  public UploadPipeline(ObjectSink sink, long maxBytes, int partBytes) {
    if (partBytes < 1 || maxBytes < 1) {
      throw new IllegalArgumentException("limits must be positive");
    }
    this.sink = sink;
    this.maxBytes = maxBytes;
    this.partBytes = partBytes;
  }

  /**
   * What became of an upload that was not refused.
   *
   * @param parts multipart parts sent, 0 for a single put
   */
  public record Outcome(long size, boolean created, int parts) {}

  /**
   * @param declaredLength the request's Content-Length, or -1 when it did not say
   * @return created, or not created because identical bytes were stored meanwhile
   */
  public Outcome upload(AssetId id, InputStream body, long declaredLength, UploadMeta meta)
      throws UploadRefusedException, AssetsUnavailableException {
    if (declaredLength > maxBytes) {
      throw tooLarge();
    }
    MessageDigest sha256 = sha256();
    // One byte more than a part tells a body that fills exactly one part from a longer one.
    byte[] buffer = new byte[(int) Math.min(partBytes, maxBytes) + 1];
    int n = readFully(body, buffer, 0, buffer.length);
    if (n < buffer.length) {
      sha256.update(buffer, 0, n);
      verify(id, sha256, n, declaredLength);
      sink.put(id, buffer, n, meta);
      return new Outcome(n, true, 0);
    }
    if (buffer.length - 1 >= maxBytes) {
      throw tooLarge(); // the whole allowance fit in one part, and more came
    }
    return multipart(id, body, declaredLength, meta, sha256, buffer);
  }

  private Outcome multipart(AssetId id, InputStream body, long declaredLength, UploadMeta meta,
      MessageDigest sha256, byte[] buffer) throws UploadRefusedException, AssetsUnavailableException {
    ObjectSink.Multipart upload = sink.startMultipart(id, meta);
    boolean finished = false;
    int part = 1;
    try {
      // The buffer holds a full first part plus the first byte of the second.
      byte carried = buffer[partBytes];
      int filled = partBytes;
      long total = 0;
      while (filled > 0) {
        sha256.update(buffer, 0, filled);
        total += filled;
        if (total > maxBytes) {
          throw tooLarge();
        }
        upload.uploadPart(part++, buffer, filled);
        if (filled < partBytes) {
          break; // only the last part is short
        }
        int start = 0;
        if (part == 2) {
          buffer[0] = carried;
          start = 1;
        }
        filled = start + readFully(body, buffer, start, partBytes - start);
      }
      verify(id, sha256, total, declaredLength);
      if (sink.exists(id)) {
        finished = true;
        abortQuietly(id, upload); // identical bytes won the race; ours are not needed
        return new Outcome(total, false, part - 1);
      }
      upload.complete();
      finished = true;
      return new Outcome(total, true, part - 1);
    } finally {
      if (!finished) {
        abortQuietly(id, upload);
      }
    }
  }

  private static void verify(AssetId id, MessageDigest sha256, long size, long declaredLength) throws UploadRefusedException {
    if (declaredLength >= 0 && size != declaredLength) {
      throw new UploadRefusedException(Refusal.TRUNCATED,
          "the body had " + size + " bytes, Content-Length said " + declaredLength);
    }
    AssetId actual = AssetId.ofDigest(sha256.digest());
    if (!actual.equals(id)) {
      throw new UploadRefusedException(Refusal.HASH_MISMATCH, "the bytes hash to " + actual + ", not " + id);
    }
  }

  private UploadRefusedException tooLarge() {
    return new UploadRefusedException(Refusal.TOO_LARGE, "assets are at most " + maxBytes + " bytes");
  }

  /** Reads until {@code length} bytes or the end; a broken body is a truncated upload. */
  private static int readFully(InputStream in, byte[] buffer, int offset, int length) throws UploadRefusedException {
    int total = 0;
    try {
      while (total < length) {
        int n = in.read(buffer, offset + total, length - total);
        if (n < 0) {
          break;
        }
        total += n;
      }
    } catch (IOException e) {
      throw new UploadRefusedException(Refusal.TRUNCATED, "the upload broke off: " + e.getMessage());
    }
    return total;
  }

  private static void abortQuietly(AssetId id, ObjectSink.Multipart upload) {
    try {
      upload.abort();
    } catch (AssetsUnavailableException | RuntimeException e) {
      // Its parts are invisible and the sweeper aborts it later; the upload itself already failed.
      log.warn("could not abort the multipart upload of {}; the sweeper will: {}", id, e.toString());
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java has SHA-256", e);
    }
  }
}
