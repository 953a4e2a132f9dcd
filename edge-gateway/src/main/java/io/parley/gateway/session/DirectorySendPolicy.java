package io.parley.gateway.session;

import io.parley.auth.Principal;
import io.parley.directory.SendChecks;
import io.parley.gateway.frames.ErrorCode;
import io.parley.gateway.frames.FrameException;
import io.parley.gateway.frames.Inbound;
import java.util.OptionalLong;

/** Refuses, before Kafka, a message to a user who does not exist or to a group the sender is not in. */
public final class DirectorySendPolicy implements SendPolicy {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(DirectorySendPolicy.class);
  private final SendChecks checks;

  public DirectorySendPolicy(SendChecks checks) {
    this.checks = checks;
  }

  @Override
  public long check(Principal sender, Inbound.Send send) throws FrameException {
    try {
      return refuseUnknown(sender, send);
    } catch (RuntimeException e) {
      // The directory is unreachable: take the message. The topology checks group membership again,
      // and a message to a user who does not exist only waits in an inbox nobody reads.
      log.warn("directory check skipped for message {}: {}", send.id(), e.toString());
      return 0L;
    }
  }

  private long refuseUnknown(Principal sender, Inbound.Send send) throws FrameException {
    if (send.toUser() != null && !checks.userExists(send.toUser())) {
      throw new FrameException(ErrorCode.UNKNOWN_RECIPIENT, "no such user: " + send.toUser(), send.id());
    }
    if (send.toGroup() == null) {
      return 0L;
    }
    OptionalLong version = checks.memberVersion(send.toGroup(), sender.user());
    if (version.isEmpty()) {
      if (!checks.groupExists(send.toGroup())) {
        throw new FrameException(ErrorCode.UNKNOWN_RECIPIENT, "no such group: " + send.toGroup(), send.id());
      }
      throw new FrameException(ErrorCode.NOT_MEMBER, "you are not a member of group " + send.toGroup(), send.id());
    }
    return version.getAsLong();
  }
}
