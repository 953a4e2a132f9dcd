package io.parley.directory;

/**
 * A directory request that cannot be done, with the HTTP status and protocol code it maps to.
 * Nothing is written when one is thrown: every change runs in one transaction.
 */
public final class DirectoryException extends Exception {
  private final int status;
  private final String code;

  public DirectoryException(int status, String code, String message) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }

  static DirectoryException badRequest(String message) {
    return new DirectoryException(400, "bad_request", message);
  }

  static DirectoryException notFound(String code, String message) {
    return new DirectoryException(404, code, message);
  }

  static DirectoryException forbidden(String code, String message) {
    return new DirectoryException(403, code, message);
  }

  static DirectoryException conflict(String code, String message) {
    return new DirectoryException(409, code, message);
  }
}
