package io.parley.assets;

/** The object store could not be reached or failed; the caller may retry later (HTTP 503). */
public final class AssetsUnavailableException extends Exception {
  public AssetsUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
