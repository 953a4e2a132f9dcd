package io.parley.http;

/** An HTTP error with the protocol's {@code {code, message}} body. */
public final class HttpError extends Exception {
  private final int status;
  private final String code;
  private final int retryAfterSeconds;

  public HttpError(int status, String code, String message) {
    this(status, code, message, 0);
  }

  public HttpError(int status, String code, String message, int retryAfterSeconds) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }

  public int retryAfterSeconds() {
    return retryAfterSeconds;
  }

  public static HttpError unauthorized(String message) {
    return new HttpError(401, "unauthorized", message);
  }

  public static HttpError badRequest(String message) {
    return new HttpError(400, "bad_request", message);
  }

  public static HttpError notFound(String message) {
    return new HttpError(404, "not_found", message);
  }

  public static HttpError forbidden(String message) {
    return new HttpError(403, "forbidden", message);
  }
}
