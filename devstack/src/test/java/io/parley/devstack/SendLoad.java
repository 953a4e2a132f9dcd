package io.parley.devstack;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Messages at a steady rate over fixed routes, taken in turn, each recorded in the ledger before it
 * is written. One thread writes them all, so each sender's messages leave in the order recorded.
 */
final class SendLoad implements AutoCloseable {
  /** Who sends to whom: a user ({@code toKind} "user") or a group, and who should receive it. */
  record Route(RecordingClient from, String toKind, String to, List<String> recipients) {}

  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "send-load"));
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private final Map<String, Integer> counts = new HashMap<>();
  private final CrashLedger ledger;
  private final List<Route> routes;
  private long tick;
  private volatile boolean held;

  private SendLoad(CrashLedger ledger, List<Route> routes) {
    this.ledger = ledger;
    this.routes = routes;
  }

  static SendLoad start(CrashLedger ledger, List<Route> routes, int perSecond) {
    SendLoad load = new SendLoad(ledger, routes);
    load.timer.scheduleAtFixedRate(load::sendNext, 0, 1_000_000 / perSecond, TimeUnit.MICROSECONDS);
    return load;
  }

  private void sendNext() {
    if (held) {
      return;
    }
    try {
      Route route = routes.get((int) (tick++ % routes.size()));
      String stream = route.from().user + ">" + route.to();
      int n = counts.merge(stream, 1, Integer::sum);
      String id = route.from().user + "." + route.to() + "." + n;
      ledger.sent(new CrashLedger.Sent(id, route.from().user, route.to(), route.toKind().equals("group"), route.recipients(), n));
      route.from().send(id, route.toKind(), route.to(), "message " + n + " of " + stream);
    } catch (Throwable e) {
      failure.compareAndSet(null, e);
      throw e;
    }
  }

  /**
   * Stops sending until {@link #release}, as users do while nothing answers; returns once no send
   * is being written (the timer's one thread has run past it).
   */
  void hold() throws Exception {
    held = true;
    timer.submit(() -> { }).get(5, TimeUnit.SECONDS);
  }

  void release() {
    held = false;
  }

  /** Throws if the load stopped because a send could not be written. */
  void check() {
    if (failure.get() != null) {
      throw new AssertionError("the load stopped: " + failure.get(), failure.get());
    }
  }

  /** Stops sending; throws if a send could not be written. */
  @Override
  public void close() throws Exception {
    timer.shutdown();
    timer.awaitTermination(5, TimeUnit.SECONDS);
    check();
  }
}
