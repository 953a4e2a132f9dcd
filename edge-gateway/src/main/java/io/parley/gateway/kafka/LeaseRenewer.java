package io.parley.gateway.kafka;

import io.parley.schemas.GatewayLease;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Renews this gateway's lease on its sessions. The mailbox takes a gateway's devices offline when
 * its lease is older than the lease timeout, so a gateway that dies without a word loses its
 * sessions within a minute, and one that restarts loses the previous incarnation's at once.
 *
 * <p>A gateway that lives through a Kafka outage longer than that finds its renewals landing again
 * after a gap: the mailbox may meanwhile have taken its live sessions offline. Once a renewal lands
 * more than {@link #LAPSE_INTERVALS} intervals after the previous one, {@code afterLapse} runs (the
 * server syncs every socket it holds, which brings each session back from its acknowledged cursor).
 */
public final class LeaseRenewer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LeaseRenewer.class);

  /** Renewal intervals without a landed renewal after which the gateway counts its lease as lapsed. */
  public static final int LAPSE_INTERVALS = 3;

  private final GatewayProducer producer;
  private final String gatewayId;
  private final long incarnation;
  private final ScheduledExecutorService timer;
  private final Runnable afterLapse;
  private volatile long lastRenewed;
  private volatile long lapseAfterMs = Long.MAX_VALUE;

  public LeaseRenewer(GatewayProducer producer, String gatewayId, long incarnation, Runnable afterLapse) {
    this.producer = producer;
    this.gatewayId = gatewayId;
    this.incarnation = incarnation;
    this.afterLapse = afterLapse;
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "lease-" + gatewayId);
      t.setDaemon(true);
      return t;
    });
  }

  /** Writes the first lease (waiting for Kafka to have it), then renews every {@code interval}. */
  public void start(Duration interval) throws Exception {
    producer.lease(lease(false)).get(30, TimeUnit.SECONDS);
    lastRenewed = System.currentTimeMillis();
    lapseAfterMs = LAPSE_INTERVALS * interval.toMillis();
    timer.scheduleAtFixedRate(this::renew, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void renew() {
    producer.lease(lease(false)).whenComplete((md, error) -> {
      if (error != null) {
        log.warn("lease of {} not renewed: {}", gatewayId, error.getMessage());
        return;
      }
      long now = System.currentTimeMillis();
      long gap = now - lastRenewed;
      lastRenewed = now;
      if (gap > lapseAfterMs) {
        log.warn("lease of {} renewed again after {} ms without: syncing its sessions, which the mailbox may have taken offline",
            gatewayId, gap);
        // off the producer's I/O thread, which must not write records itself
        timer.execute(afterLapse);
      }
    });
  }

  /** Whether no renewal has landed for {@link #LAPSE_INTERVALS} intervals: such a gateway takes no new sessions. */
  public boolean lapsed() {
    return System.currentTimeMillis() - lastRenewed > lapseAfterMs;
  }

  /** Says goodbye: the mailbox takes this incarnation's remaining sessions offline at once. */
  public void release() {
    timer.shutdownNow();
    try {
      producer.lease(lease(true)).get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      log.warn("final lease of {} not written; its sessions lapse with the lease: {}", gatewayId, e.getMessage());
    }
  }

  private GatewayLease lease(boolean stopped) {
    return new GatewayLease(gatewayId, incarnation, System.currentTimeMillis(), stopped);
  }

  /** Stops renewing without a word, as a crash would. */
  @Override
  public void close() {
    timer.shutdownNow();
  }
}
