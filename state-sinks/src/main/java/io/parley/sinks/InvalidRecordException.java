package io.parley.sinks;

/**
 * A record that can never be written: bytes that do not decode, a missing or malformed field, a key
 * that contradicts the value. Sinks send such a record to the dead-letter topic and go on.
 */
public final class InvalidRecordException extends Exception {
  public InvalidRecordException(String message) {
    super(message);
  }

  public InvalidRecordException(String message, Throwable cause) {
    super(message, cause);
  }
}
