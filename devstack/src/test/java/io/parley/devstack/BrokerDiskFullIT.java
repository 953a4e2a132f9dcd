package io.parley.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A broker's disk fills under steady traffic. The log folder of one of three KRaft nodes ({@link
 * KafkaBrokers}: replication 3, min ISR 2) is on a small tmpfs the test mounts ({@link Tmpfs}), and
 * that node is made the leader of every mailbox partition. Once traffic flows the test fills the
 * tmpfs to the last byte and waits for Kafka to give the node up; then it frees the space and starts
 * the node again on the same folder. Every message acknowledged {@code sent} must have reached its
 * recipient once after de-duplication, in order, with its receipts back, without a sync ({@link
 * FaultRun#verify}). A machine where the tmpfs cannot be mounted fails the test.
 */
class BrokerDiskFullIT {
  /** The node whose log folder is on the tmpfs. */
  private static final int FULL = 1;
  /**
   * Kafka used about 1 MiB of its folder when the disk was filled and 2.4 MiB after the run: it grows
   * by 2-3 MiB a minute at the test's 40 messages a second, so 64 MiB leaves room for {@code
   * ./parley faults}' 180 s soak. Index files are preallocated (10 MiB each) as sparse files, which
   * take tmpfs pages only as entries are written, so they need no smaller maximum.
   */
  private static final long TMPFS_BYTES = 64L << 20;
  /** A broker failover with a transaction to abort: see {@code BrokerFaultIT}. */
  private static final Duration FAILOVER = Duration.ofSeconds(180);
  /** How long Kafka may take to notice the full disk: its next append or roll on that folder. */
  private static final Duration NOTICE = Duration.ofSeconds(60);

  private static Tmpfs disk;
  private static KafkaBrokers brokers;
  private static FaultStack f;
  private static List<String> messagePath;

  @BeforeAll
  static void start() throws Exception {
    f = FaultStack.start("broker-disk-full", FaultStack.seed(), dir -> {
      disk = Tmpfs.mount(dir.resolve("broker-" + FULL + "-tmpfs"), TMPFS_BYTES);
      brokers = KafkaBrokers.start(dir, 3, Duration.ofSeconds(90), Map.of(FULL, disk.path().resolve("data")));
      return StackFixture.onBrokers(brokers, 2, StackFixture.LEASE_PAST_FAILOVER);
    });
    messagePath = f.messagePath(List.of("gw-1", "gw-2"));
    brokers.lead(FULL, List.of(messagePath.get(0)));
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (f != null) {
        f.close();
      }
    } finally {
      try {
        if (brokers != null) {
          brokers.close();
        }
      } finally {
        if (disk != null) {
          disk.close(); // after the brokers: a live broker holds files on it
        }
      }
    }
  }

  @Test
  @Timeout(330)
  void shouldDeliverEverythingOnceWhenTheDiskOfTheBrokerLeadingTheMailboxFills() throws Exception {
    try (FaultRun run = f.run("diskFull", this::brokerTails)) {
      brokers.awaitFullyReplicated(messagePath, Duration.ofSeconds(60));
      CrashLedger ledger = new CrashLedger();
      List<SendLoad.Route> routes = run.pairs(ledger, "df", 5);
      try (SendLoad traffic = run.start(ledger, routes, 40)) {
        run.awaitFlowing(ledger, 20);
        run.pause(500, 2_000);
        assertThat(brokers.busiestLeader(List.of(messagePath.get(0)))).as("the node leading the most mailbox partitions")
            .isEqualTo(FULL);
        long used = disk.usedBytes();
        long filled = disk.fill();
        long full = System.nanoTime();
        run.log("filled broker %d's disk after %d sends: Kafka used %d KiB of it, the filler took the other %d KiB (%d bytes left)",
            FULL, ledger.sentCount(), used >> 10, filled >> 10, disk.freeBytes());

        run.awaitUntil("broker " + FULL + " gives up its full disk", () -> !brokers.alive(FULL) || leadsNone(),
            () -> "broker " + FULL + " alive, leading " + leadersOrWhy(), NOTICE);
        run.log("%d ms after the disk filled: broker %d %s; mailbox leaders %s", (System.nanoTime() - full) / 1_000_000, FULL,
            brokers.alive(FULL) ? "still runs and leads no mailbox partition" : "exited with " + brokers.exitValue(FULL),
            leadersOrWhy());
        run.awaitUntil("the mailbox led by the other brokers", this::leadsNone, () -> "mailbox leaders " + leadersOrWhy(), NOTICE);
        run.log("%d ms after the disk filled the mailbox is led by the others: %s; broker %d %s",
            (System.nanoTime() - full) / 1_000_000, leadersOrWhy(), FULL, brokers.alive(FULL) ? "still runs" : "has exited");

        if (brokers.alive(FULL)) {
          brokers.kill(FULL); // a log folder Kafka took offline comes back only with a restart
        }
        disk.free();
        brokers.restart(FULL);
        run.log("freed the disk (%d KiB free) and started broker %d again on the same folder", disk.freeBytes() >> 10, FULL);
        run.awaitCaughtUp(ledger, ledger.sentCount(), FAILOVER);
        run.log("caught up %d ms after the disk filled", (System.nanoTime() - full) / 1_000_000);
        brokers.awaitFullyReplicated(messagePath, Duration.ofSeconds(60));
        run.log("broker %d back in sync; its disk holds %d KiB", FULL, disk.usedBytes() >> 10);
        Thread.sleep(2_000); // traffic goes on a little past the recovery
      }
      run.verify(ledger);
    }
  }

  private boolean leadsNone() {
    try {
      return !brokers.leaders(List.of(messagePath.get(0))).containsKey(FULL);
    } catch (Exception notAnswered) {
      return false; // asked again at the next poll
    }
  }

  private String leadersOrWhy() {
    try {
      return brokers.leaders(List.of(messagePath.get(0))).toString();
    } catch (Exception e) {
      return "unknown (" + e + ")";
    }
  }

  private String brokerTails() {
    StringBuilder out = new StringBuilder();
    for (int node = 1; node <= 3; node++) {
      String tail = brokers.tail(node);
      out.append("--- broker ").append(node).append('\n').append(tail, Math.max(0, tail.length() - 1_000), tail.length()).append('\n');
    }
    return out.toString();
  }
}
