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
 */
public final class LeaseRenewer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LeaseRenewer.class);

  private final GatewayProducer producer;
  private final String gatewayId;
  private final long incarnation;
  private final ScheduledExecutorService timer;
  private volatile long lastRenewed;

  public LeaseRenewer(GatewayProducer producer, String gatewayId, long incarnation) {
    this.producer = producer;
    this.gatewayId = gatewayId;
    this.incarnation = incarnation;
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
    timer.scheduleAtFixedRate(this::renew, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void renew() {
    producer.lease(lease(false)).whenComplete((md, error) -> {
      if (error != null) {
        log.warn("lease of {} not renewed: {}", gatewayId, error.getMessage());
      } else {
        lastRenewed = System.currentTimeMillis();
      }
    });
  }

  /** When Kafka last took a renewal: a gateway that cannot renew should not take new sessions. */
  public long lastRenewed() {
    return lastRenewed;
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
