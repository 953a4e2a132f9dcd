package io.parley.auth;

/** A token that is missing, malformed, forged, for another issuer, or expired. */
public final class InvalidTokenException extends Exception {
  public InvalidTokenException(String message) {
    super(message);
  }

  public InvalidTokenException(String message, Throwable cause) {
    super(message, cause);
  }
}
