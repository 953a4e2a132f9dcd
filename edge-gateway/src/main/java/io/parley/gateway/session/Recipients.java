package io.parley.gateway.session;

import io.parley.gateway.frames.FrameException;
import io.parley.gateway.frames.Inbound;

/**
 * Decides whether a send may go out before it reaches Kafka: the recipient exists, the attachments
 * exist. The gateway alone knows only the shape of ids, so the default admits every well-formed one.
 */
public interface Recipients {
  Recipients ANY = send -> { };

  /** Throws the error the client should see if the send cannot be accepted. */
  void check(Inbound.Send send) throws FrameException;
}
