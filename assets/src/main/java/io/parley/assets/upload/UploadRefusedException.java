package io.parley.assets.upload;

/** An upload the service will not store; nothing of it was left in the object store. */
public final class UploadRefusedException extends Exception {
  private final Refusal refusal;

  public UploadRefusedException(Refusal refusal, String message) {
    super(message, null, false, false);
    this.refusal = refusal;
  }

  public Refusal refusal() {
    return refusal;
  }
}
