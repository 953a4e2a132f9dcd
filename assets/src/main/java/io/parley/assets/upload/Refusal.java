package io.parley.assets.upload;

/** Why an upload was refused; each has its HTTP status and the {@code code} of the error body. */
public enum Refusal {
  /** The bytes do not hash to the id in the path. */
  HASH_MISMATCH(400, "hash_mismatch"),
  /** The body ended before its declared length, or the connection failed mid-body. */
  TRUNCATED(400, "truncated"),
  /** Over {@code assets.max.bytes}, declared or counted while streaming. */
  TOO_LARGE(413, "too_large");

  private final int status;
  private final String code;

  Refusal(int status, String code) {
    this.status = status;
    this.code = code;
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }
}
