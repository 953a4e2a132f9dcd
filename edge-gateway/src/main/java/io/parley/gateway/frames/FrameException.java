package io.parley.gateway.frames;

/** A frame the gateway refuses; it becomes an {@code error} frame and the socket stays open. */
public final class FrameException extends Exception {
  private final ErrorCode code;
  private final String ref;

  public FrameException(ErrorCode code, String message, String ref) {
    super(message, null, false, false);
    this.code = code;
    this.ref = ref;
  }

  public FrameException(ErrorCode code, String message) {
    this(code, message, null);
  }

  public ErrorCode code() {
    return code;
  }

  public String ref() {
    return ref;
  }
}
