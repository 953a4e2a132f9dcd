package io.parley.bench.load;

import io.parley.auth.TokenService;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.client.ClientUpgradeRequest;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An open-loop load generator: it holds one socket per user and sends at a fixed rate whatever
 * happens to earlier messages, so a slow system meets the same offered load a crowd of real users
 * would put on it. Each message carries its intended send time; latency is measured from it.
 */
public final class LoadGenerator implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LoadGenerator.class);
  private static final int CONNECT_CONCURRENCY = 64;

  private final Workload workload;
  private final int bodyBytes;
  private final HttpClient http;
  private final WebSocketClient client;
  private final List<BenchSocket> sockets = new CopyOnWriteArrayList<>();
  private final AtomicInteger disconnects = new AtomicInteger();
  private final CpuMeter cpu = new CpuMeter();
  private final ScheduledExecutorService receiptAcks = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "bench-receipt-acks");
    t.setDaemon(true);
    return t;
  });
  private volatile Ledger ledger = new Ledger(0, 0, 1, 1, 0, 0);
  private int steps;
  private long sentTotal;

  private LoadGenerator(Workload workload, int bodyBytes) throws Exception {
    this.workload = workload;
    this.bodyBytes = bodyBytes;
    QueuedThreadPool threads = new QueuedThreadPool(64, 4);
    threads.setName("bench-client");
    this.http = new HttpClient();
    http.setExecutor(threads);
    this.client = new WebSocketClient(http);
    client.setIdleTimeout(Duration.ofMinutes(30));
    client.start();
    receiptAcks.scheduleAtFixedRate(() -> sockets.forEach(s -> s.flushReceiptAcks(ledger)),
        BenchSocket.RECEIPT_ACK_DELAY_MS, BenchSocket.RECEIPT_ACK_DELAY_MS, TimeUnit.MILLISECONDS);
  }

  /** Connects every user of the workload to {@code uri}, with tokens from {@code tokens}. */
  public static LoadGenerator connect(URI uri, TokenService tokens, Workload workload, int bodyBytes) throws Exception {
    LoadGenerator generator = new LoadGenerator(workload, bodyBytes);
    try {
      generator.connectAll(uri, tokens);
    } catch (Exception e) {
      generator.close();
      throw e;
    }
    return generator;
  }

  private void connectAll(URI uri, TokenService tokens) throws Exception {
    List<CompletableFuture<Session>> pending = new ArrayList<>();
    for (int i = 0; i < workload.users(); i++) {
      BenchSocket socket = new BenchSocket(() -> ledger, disconnects::incrementAndGet);
      sockets.add(socket);
      ClientUpgradeRequest request = new ClientUpgradeRequest(uri);
      request.setHeader("Authorization", "Bearer " + tokens.issue(workload.userId(i), "bench"));
      pending.add(client.connect(socket, request));
      if (pending.size() >= CONNECT_CONCURRENCY) {
        awaitAll(pending);
      }
    }
    awaitAll(pending);
    log.info("{} sockets open", sockets.size());
  }

  private static void awaitAll(List<CompletableFuture<Session>> pending) throws Exception {
    for (CompletableFuture<Session> f : pending) {
      f.get(30, TimeUnit.SECONDS);
    }
    pending.clear();
  }

  /**
   * Sends the workload's priming messages (one per user for 1:1, one per group for groups) and waits
   * for all of them, their deliveries and their receipts, so every session is open in the mailbox and
   * every code path is warm before anything is measured.
   */
  public StepResult prime(Duration timeout) throws InterruptedException {
    double rate = Math.min(2_000, workload.primeMessages() * 4.0);
    Duration oneEach = Duration.ofMillis(Math.max(500, (long) (workload.primeMessages() * 1000 / rate)));
    return run(rate, oneEach, Duration.ZERO, timeout);
  }

  /**
   * Offers {@code rate} messages per second for {@code warmup + measure}, then waits up to
   * {@code drainTimeout} for everything sent to arrive. Latencies and throughput count only the
   * messages intended inside the measurement window; losses count every message of the step.
   */
  public StepResult run(double rate, Duration warmup, Duration measure, Duration drainTimeout) throws InterruptedException {
    int step = ++steps;
    double total = rate * (warmup.toNanos() + measure.toNanos()) / 1e9;
    // 0.84 × 25 s is 21.000000000000004 in doubles: without the tolerance a 22nd message lands on the
    // window's last nanosecond, counts as offered, and its deliveries arrive after the window closes.
    int count = (int) Math.ceil(total - 1e-6);
    long start = System.nanoTime() + 20_000_000L;
    long windowFrom = start + warmup.toNanos();
    long windowTo = windowFrom + measure.toNanos();
    Ledger current = new Ledger(step, count, workload.deliveriesPerMessage(), workload.receiptsPerMessage(), windowFrom, windowTo);
    ledger = current;
    int disconnectsBefore = disconnects.get();
    double periodNanos = 1e9 / rate;
    Map<String, Long> cpuFrom = null;
    for (int n = 0; n < count; n++) {
      long intended = start + (long) (n * periodNanos);
      if (cpuFrom == null && intended >= windowFrom) {
        cpuFrom = cpu.snapshot();
      }
      long wait = intended - System.nanoTime();
      if (wait > 20_000) {
        LockSupport.parkNanos(wait);
      }
      current.intend(n, intended);
      String frame = Frames.send(MessageIds.of(step, n), workload.address(n), MessageIds.body(intended, bodyBytes));
      sockets.get(workload.sender(n)).send(frame, current);
    }
    Map<String, Long> cpuTo = measure.isZero() ? null : cpu.snapshot();
    long drainStart = System.nanoTime();
    long deadline = drainStart + drainTimeout.toNanos();
    while (current.outstanding() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    long drainMillis = (System.nanoTime() - drainStart) / 1_000_000;
    sentTotal += current.sent();
    return current.result(rate, measure.toNanos() / 1e9, drainMillis, disconnects.get() - disconnectsBefore, cpuFrom, cpuTo);
  }

  /** Messages sent over all steps so far, warm-up included. */
  public long sentTotal() {
    return sentTotal;
  }

  public int users() {
    return sockets.size();
  }

  public Workload workload() {
    return workload;
  }

  @Override
  public void close() {
    receiptAcks.shutdownNow();
    sockets.forEach(BenchSocket::close);
    try {
      client.stop();
    } catch (Exception e) {
      log.warn("load generator client did not stop cleanly: {}", e.toString());
    }
  }
}
