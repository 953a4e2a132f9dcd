package io.parley.gateway.frames;

import java.util.Locale;

/** The codes of {@code error} frames; docs/protocol.md explains each. */
public enum ErrorCode {
  BAD_REQUEST,
  TOO_LARGE,
  UNKNOWN_RECIPIENT,
  NOT_MEMBER,
  UNKNOWN_ASSET,
  RATE_LIMITED,
  UNAVAILABLE,
  INTERNAL;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }
}
