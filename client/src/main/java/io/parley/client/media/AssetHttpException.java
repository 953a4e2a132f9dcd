package io.parley.client.media;

import java.io.IOException;

/** The asset API refused a call: its HTTP status and the {@code code} of its error body. */
public final class AssetHttpException extends IOException {
  private final int status;
  private final String code;

  public AssetHttpException(int status, String code, String message) {
    super(status + " " + code + ": " + message);
    this.status = status;
    this.code = code;
  }

  public int status() {
    return status;
  }

  /** e.g. {@code hash_mismatch}, {@code too_large}, {@code unavailable} (retry later), {@code unauthorized}. */
  public String code() {
    return code;
  }
}
