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
  SendPolicy ANY = (sender, send) -> 0L;

  /**
   * Throws the error the client should see if the send cannot be accepted.
   *
   * @return for a group send, the version of the group's member set this check found the sender in
   *     (the topology holds the message until it knows that version); 0 if this policy did not look
   */
  long check(Principal sender, Inbound.Send send) throws FrameException;

  static SendPolicy all(List<SendPolicy> policies) {
    List<SendPolicy> copy = List.copyOf(policies);
    return (sender, send) -> {
      long version = 0;
      for (SendPolicy p : copy) {
        version = Math.max(version, p.check(sender, send));
      }
      return version;
    };
  }
}
