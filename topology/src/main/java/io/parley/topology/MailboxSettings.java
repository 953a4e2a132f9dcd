package io.parley.topology;

import java.time.Duration;

/**
 * The rules of the mailbox that operators may tune.
 *
 * <p>An inbox entry goes once every known device of the user acknowledged it, or after
 * {@code retention}, whichever comes first.
 *
 * @param retention how long an unacknowledged deliverable waits for a device (WhatsApp: 30 days)
 * @param dedupeTtl how long a (sender, client message id) pair is remembered
 * @param leaseTimeout how long after its last renewal a gateway's sessions count as gone
 * @param leaseCheckInterval how often leases are checked
 * @param expiryCheckInterval how often expired inbox entries and dedupe keys are removed
 * @param window how many unacknowledged deliverables a device may have in flight; a flush or a
 *     fast sender never sends more before acks come back
 * @param maxDevicesPerUser devices remembered per user; beyond it the least recently active
 *     offline device is forgotten
 * @param lastSeenInterval a user's last-seen is published at most once per interval (going online
 *     or offline is published at once)
 * @param memberReceiptsMax groups of up to this many members give the sender a receipt per member;
 *     larger ones one receipt for the whole group: delivered once every member has it, read once
 *     every member read it
 * @param batchedGroupHandoffs a group message reaches each mailbox partition as one hand-off naming
 *     every member there, not one hand-off per member; off only while a rolling upgrade still runs
 *     instances that predate {@code Deliver.alsoTo}
 */
public record MailboxSettings(
    Duration retention,
    Duration dedupeTtl,
    Duration leaseTimeout,
    Duration leaseCheckInterval,
    Duration expiryCheckInterval,
    int window,
    int maxDevicesPerUser,
    Duration lastSeenInterval,
    int memberReceiptsMax,
    boolean batchedGroupHandoffs) {

  public MailboxSettings {
    requirePositive(retention, "retention");
    requirePositive(dedupeTtl, "dedupeTtl");
    requirePositive(leaseTimeout, "leaseTimeout");
    requirePositive(leaseCheckInterval, "leaseCheckInterval");
    requirePositive(expiryCheckInterval, "expiryCheckInterval");
    requirePositive(lastSeenInterval, "lastSeenInterval");
    if (window < 1 || window > 10_000) {
      throw new IllegalArgumentException("window must be 1..10000, was " + window);
    }
    if (memberReceiptsMax < 0) {
      throw new IllegalArgumentException("memberReceiptsMax must be >= 0, was " + memberReceiptsMax);
    }
    if (maxDevicesPerUser < 1 || maxDevicesPerUser > 64) {
      throw new IllegalArgumentException("maxDevicesPerUser must be 1..64, was " + maxDevicesPerUser);
    }
  }

  public static MailboxSettings defaults() {
    return new MailboxSettings(Duration.ofDays(30), Duration.ofDays(2),
        Duration.ofSeconds(45), Duration.ofSeconds(5), Duration.ofSeconds(30), 256, 16, Duration.ofSeconds(60), 32, true);
  }

  public MailboxSettings withLease(Duration timeout, Duration checkInterval) {
    return new MailboxSettings(retention, dedupeTtl, timeout, checkInterval, expiryCheckInterval, window, maxDevicesPerUser, lastSeenInterval, memberReceiptsMax, batchedGroupHandoffs);
  }

  public MailboxSettings withRetention(Duration newRetention, Duration newDedupeTtl) {
    return new MailboxSettings(newRetention, newDedupeTtl, leaseTimeout, leaseCheckInterval, expiryCheckInterval, window, maxDevicesPerUser, lastSeenInterval, memberReceiptsMax, batchedGroupHandoffs);
  }

  public MailboxSettings withWindow(int newWindow) {
    return new MailboxSettings(retention, dedupeTtl, leaseTimeout, leaseCheckInterval, expiryCheckInterval, newWindow, maxDevicesPerUser, lastSeenInterval, memberReceiptsMax, batchedGroupHandoffs);
  }

  public MailboxSettings withLastSeenInterval(Duration interval) {
    return new MailboxSettings(retention, dedupeTtl, leaseTimeout, leaseCheckInterval, expiryCheckInterval, window, maxDevicesPerUser, interval, memberReceiptsMax, batchedGroupHandoffs);
  }

  public MailboxSettings withMemberReceiptsMax(int max) {
    return new MailboxSettings(retention, dedupeTtl, leaseTimeout, leaseCheckInterval, expiryCheckInterval, window, maxDevicesPerUser, lastSeenInterval, max, batchedGroupHandoffs);
  }

  public MailboxSettings withBatchedGroupHandoffs(boolean batched) {
    return new MailboxSettings(retention, dedupeTtl, leaseTimeout, leaseCheckInterval, expiryCheckInterval, window, maxDevicesPerUser, lastSeenInterval, memberReceiptsMax, batched);
  }

  private static void requirePositive(Duration d, String name) {
    if (d == null || d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, was " + d);
    }
  }
}
