package io.parley.history;

/**
 * The directory cannot answer now (e.g. its database is down), so neither group membership nor
 * whether a user exists can be told; worth retrying. The API answers 503.
 */
public final class DirectoryUnavailable extends RuntimeException {
  public DirectoryUnavailable(String message, Throwable cause) {
    super(message, cause);
  }
}
