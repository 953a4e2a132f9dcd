package io.parley.gateway.session;

import io.parley.auth.Principal;
import io.parley.gateway.frames.FrameException;
import io.parley.gateway.frames.Inbound;
import java.util.List;

/**
 * Decides whether a send may go to Kafka at all: the recipient exists, the attachments exist. Each
 * service that knows something contributes a policy; the gateway alone knows only the shape of ids,
 * so {@link #ANY} admits every well-formed send.
 */
@FunctionalInterface
public interface SendPolicy {
  SendPolicy ANY = (sender, send) -> { };

  /** Throws the error the client should see if the send cannot be accepted. */
  void check(Principal sender, Inbound.Send send) throws FrameException;

  static SendPolicy all(List<SendPolicy> policies) {
    List<SendPolicy> copy = List.copyOf(policies);
    return (sender, send) -> {
      for (SendPolicy p : copy) {
        p.check(sender, send);
      }
    };
  }
}
