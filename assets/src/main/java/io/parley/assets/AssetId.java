package io.parley.assets;

import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An asset's identity: the lower-case hex SHA-256 of its bytes (for media, the bytes the device
 * encrypted). Equal bytes are one asset, whoever uploads them; the id is also the S3 object key.
 */
public record AssetId(String sha256) {
  private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

  public AssetId {
    if (!isValid(sha256)) {
      throw new IllegalArgumentException("an asset id is 64 lower-case hex digits");
    }
  }

  public static boolean isValid(String s) {
    return s != null && SHA256_HEX.matcher(s).matches();
  }

  public static Optional<AssetId> parse(String s) {
    return isValid(s) ? Optional.of(new AssetId(s)) : Optional.empty();
  }

  public static AssetId ofDigest(byte[] sha256) {
    if (sha256.length != 32) {
      throw new IllegalArgumentException("a SHA-256 digest is 32 bytes");
    }
    return new AssetId(HexFormat.of().formatHex(sha256));
  }

  /** The object's key in the asset bucket. */
  public String objectKey() {
    return sha256;
  }

  @Override
  public String toString() {
    return sha256;
  }
}
