package io.parley.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.sinks.connect.ParleyConnectors;
import io.parley.sinks.connect.SinkMetrics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * 1,000 users with the app open send a heartbeat every 5 s for a minute over real WebSockets; the
 * topology coalesces them and the last-seen sink writes Cassandra. Measures how many Cassandra writes
 * the heartbeats cost, counted by the sink's own metric, with the default interval (60 s).
 */
@Timeout(420)
class LastSeenLoadIT {
  private static final int USERS = 1_000;
  private static final int ROUNDS = 12;
  private static final long ROUND_MILLIS = 5_000;
  private static StackFixture it;

  @BeforeAll
  static void start() throws Exception {
    // a thousand users' sockets, all from 127.0.0.1: StackFixture lifts the per-address connection limit
    it = StackFixture.withHistory(1, Map.of("gateway.sends.per.second", "40"));
  }

  @AfterAll
  static void stop() throws Exception {
    if (it != null) {
      it.close();
    }
  }

  static double writes() {
    return it.stack.service(ConnectService.class).metrics().total(ParleyConnectors.LAST_SEEN, SinkMetrics.ROWS_WRITTEN);
  }

  /** Waits until the write counter has not moved for {@code quiet}. */
  static double settled(Duration quiet) throws InterruptedException {
    double last = writes();
    long stableSince = System.nanoTime();
    while (System.nanoTime() - stableSince < quiet.toNanos()) {
      Thread.sleep(250);
      double now = writes();
      if (now != last) {
        last = now;
        stableSince = System.nanoTime();
      }
    }
    return last;
  }

  @Test
  void shouldWriteCassandraForASmallFractionOfHeartbeats() throws Exception {
    double before = settled(Duration.ofSeconds(2));
    List<WsClient> sockets = new ArrayList<>(USERS);
    ExecutorService connecting = Executors.newFixedThreadPool(8);
    try {
      List<Future<WsClient>> opening = new ArrayList<>();
      for (int i = 0; i < USERS; i++) {
        String user = String.format("load%04d", i);
        opening.add(connecting.submit(() -> it.connect(0, user, "phone")));
      }
      for (Future<WsClient> f : opening) {
        sockets.add(f.get());
      }
    } finally {
      connecting.shutdown();
    }
    double online = settled(Duration.ofSeconds(3));

    long start = System.currentTimeMillis();
    int heartbeats = 0;
    for (int round = 0; round < ROUNDS; round++) {
      long roundStart = start + round * ROUND_MILLIS;
      for (int i = 0; i < USERS; i++) {
        long due = roundStart + i * ROUND_MILLIS / USERS; // spread over the 5 s, as real apps are
        long wait = due - System.currentTimeMillis();
        if (wait > 0) {
          Thread.sleep(wait);
        }
        sockets.get(i).sendRaw("{\"type\":\"heartbeat\"}");
        heartbeats++;
      }
    }
    long heartbeatMillis = System.currentTimeMillis() - start;
    Thread.sleep(Math.max(0, start + 70_000 - System.currentTimeMillis())); // a full interval for the coalesced flush
    double afterMinute = settled(Duration.ofSeconds(3));

    sockets.forEach(WsClient::close);
    double after = settled(Duration.ofSeconds(5));

    double steady = afterMinute - online;
    double total = after - before;
    String note = String.format("users=%d heartbeats=%d over %.1f s; last_seen writes: on connect %.0f, during the minute %.0f, "
        + "on disconnect %.0f, total %.0f; writes/heartbeats during the minute %.4f, total %.4f%n",
        USERS, heartbeats, heartbeatMillis / 1000.0, online - before, steady, after - afterMinute, total,
        steady / heartbeats, total / heartbeats);
    System.out.print("LAST-SEEN LOAD: " + note);
    Path out = Path.of("target", "lastseen-load.txt");
    Files.writeString(out, note, StandardCharsets.UTF_8);

    assertThat(heartbeats).isEqualTo(USERS * ROUNDS);
    assertThat(online - before).as("each user's going online is written").isGreaterThanOrEqualTo(USERS * 0.95);
    assertThat(steady / heartbeats).as("coalesced: at most one write per user per interval").isLessThanOrEqualTo(0.15);
    assertThat(total / heartbeats).isLessThan(0.35);
  }
}
