package io.parley.bench.idle;

import io.parley.auth.TokenService;
import io.parley.bench.process.JavaFork;
import io.parley.bench.stack.BenchSettings;
import io.parley.net.FreePorts;
import java.io.IOException;
import java.io.Writer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.client.ClientUpgradeRequest;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scenario (c): one gateway in its own JVM, and N idle WebSockets held open to it from this JVM.
 * Memory is read from the gateway process alone. Then the same number of sockets is held by a bare
 * Jetty WebSocket server ({@link BareWebSocketServer}) in the same JVM options: the part of a
 * socket's cost that is Jetty's. Connections come from several loopback source
 * addresses (127.0.0.1, .2, …), each with its own range of ephemeral ports, so 100k sockets do not
 * exhaust one address's ~28k ports.
 */
public final class IdleConnections implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(IdleConnections.class);
  /** Sockets per source address: well below the ~28k ephemeral ports Linux gives one address by default. */
  public static final int PER_SOURCE_ADDRESS = 10_000;
  /** File descriptors left for everything else a process holds (Kafka clients, jars, logs). */
  private static final long FD_MARGIN = 400;
  /** Classes listed in the report's split of a socket's heap. */
  private static final int HISTOGRAM_LINES = 15;
  private static final Pattern CONNECTIONS = Pattern.compile("\"connections\"\\s*:\\s*(\\d+)");

  private final Path logDir;
  private final TokenService tokens;
  private final List<WebSocketClient> clients = new ArrayList<>();
  private final List<Session> sessions = new ArrayList<>();
  private final HttpClient http = HttpClient.newHttpClient();
  private JavaFork server;
  private List<String> jvm;
  private URI uri;
  private String serverName;

  private IdleConnections(Path logDir, TokenService tokens) {
    this.logDir = logDir;
    this.tokens = tokens;
  }

  public static IdleResult measure(String bootstrapServers, String secret, Path logDir, List<Integer> levels) throws Exception {
    try (IdleConnections idle = new IdleConnections(logDir, TokenService.fromSecret(secret, Duration.ofDays(1)))) {
      return idle.run(bootstrapServers, secret, levels);
    }
  }

  private IdleResult run(String bootstrapServers, String secret, List<Integer> levels) throws Exception {
    int highest = levels.stream().mapToInt(Integer::intValue).max().orElse(0);
    // a few sockets first, so that rest already holds what the first socket loads
    int warmUp = Math.min(500, Math.max(10, highest / 20));
    startGateway(bootstrapServers, secret, highest);
    Rest rest = atRest(warmUp);
    ClassHistogram atRest = ProcessMemory.classHistogram(server.pid());

    long reachable = reachable();
    String limit = "";
    List<IdleResult.Level> measured = new ArrayList<>();
    for (int requested : levels.stream().sorted().toList()) {
      int target = (int) Math.min(requested, reachable);
      if (target < requested) {
        limit = fdLimitNote(reachable);
      }
      if (target <= sessions.size()) {
        measured.add(new IdleResult.Level(requested, 0, 0, 0, rest.heap(), rest.rss()));
        continue;
      }
      measured.add(level(requested, target, rest));
    }
    List<ClassHistogram.Growth> heapBySocket = List.of();
    int held = sessions.size();
    IdleResult.Level floor = null;
    if (held > 0) {
      heapBySocket = ProcessMemory.classHistogram(server.pid()).growthSince(atRest, held, HISTOGRAM_LINES);
      heapBySocket.forEach(g -> log.info("per idle socket: {} B in {} instances of {}", Math.round(g.bytesPerSocket()),
          String.format("%.2f", g.instancesPerSocket()), g.className()));
      closeAll();
      awaitConnections(0);
      server.close();
      // the same sockets, held by Jetty alone
      int port = FreePorts.loopback();
      startServer("bare Jetty", "idle-bare-jetty", BareWebSocketServer.class.getName(), port, List.of(String.valueOf(port)));
      floor = level(held, held, atRest(warmUp));
    }
    return new IdleResult(rest.heap(), rest.rss(), measured, jvm, limit, heapBySocket, floor);
  }

  private record Rest(long heap, long rss) {}

  /** Warms the server's code paths with {@code warmUp} sockets, closes them, and reads memory at rest. */
  private Rest atRest(int warmUp) throws Exception {
    connectUpTo(warmUp);
    closeAll();
    awaitConnections(0);
    Rest rest = new Rest(ProcessMemory.heapAfterGc(server.pid()), ProcessMemory.rss(server.pid()));
    log.info("{} at rest: heap {} MB, rss {} MB", serverName, rest.heap() >> 20, rest.rss() >> 20);
    return rest;
  }

  private IdleResult.Level level(int requested, int target, Rest rest) throws Exception {
    connectUpTo(target);
    awaitConnections(target);
    Thread.sleep(2_000);
    long heap = ProcessMemory.heapAfterGc(server.pid());
    long rss = ProcessMemory.rss(server.pid());
    IdleResult.Level level = new IdleResult.Level(requested, target, heap, rss, rest.heap(), rest.rss());
    log.info("{}: {} idle sockets: heap {} MB, rss {} MB; {} B heap + {} B off-heap per socket", serverName, target,
        heap >> 20, rss >> 20, Math.round(level.heapPerSocket()), Math.round(level.offHeapPerSocket()));
    return level;
  }

  /** Forks {@code mainClass} with {@code args} in {@link #jvm} and waits until it serves on {@code port}. */
  private void startServer(String name, String forkName, String mainClass, int port, List<String> args) throws Exception {
    serverName = name;
    server = JavaFork.start(forkName, logDir, jvm, mainClass, args);
    uri = URI.create("ws://127.0.0.1:" + port + "/v1/ws");
    awaitHealthy(port);
  }

  private void startGateway(String bootstrapServers, String secret, int highest) throws Exception {
    int port = FreePorts.loopback();
    Map<String, String> settings = new LinkedHashMap<>(BenchSettings.defaults());
    settings.putAll(BenchSettings.idleGateway());
    settings.put("kafka.bootstrap.servers", bootstrapServers);
    settings.put("auth.token.secret", secret);
    settings.put("kafka.topic.prefix", "bench-idle.");
    settings.put("gateway.id", "bench-idle");
    settings.put("gateway.port", String.valueOf(port));
    Path file = logDir.resolve("idle-gateway.properties");
    Files.createDirectories(logDir);
    Properties props = new Properties();
    props.putAll(settings);
    try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      props.store(out, "the idle-connection benchmark's gateway");
    }
    // A fixed, pre-touched heap: resident-set growth is then what sockets cost outside the heap.
    long fits = ProcessMemory.openFileLimit(ProcessHandle.current().pid()) - 1_000;
    long heapMb = 512 + Math.min(highest, fits) * 24 / 1024;
    jvm = List.of("-Xms" + heapMb + "m", "-Xmx" + heapMb + "m", "-XX:+AlwaysPreTouch", "-XX:+UseG1GC");
    startServer("gateway", "idle-gateway", "io.parley.gateway.GatewayMain", port, List.of(file.toString()));
  }

  private void awaitHealthy(int port) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (System.nanoTime() < deadline) {
      if (!server.isAlive()) {
        throw new IllegalStateException("the idle " + serverName + " exited:\n" + server.output());
      }
      try {
        if (health().statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("the idle " + serverName + " did not become healthy on port " + port);
  }

  private HttpResponse<String> health() throws IOException, InterruptedException {
    URI healthz = URI.create("http://" + uri.getHost() + ":" + uri.getPort() + "/healthz");
    return http.send(HttpRequest.newBuilder(healthz).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private void awaitConnections(int expected) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    int seen = -1;
    while (System.nanoTime() < deadline) {
      Matcher m = CONNECTIONS.matcher(health().body());
      seen = m.find() ? Integer.parseInt(m.group(1)) : -1;
      if (seen == expected) {
        return;
      }
      Thread.sleep(250);
    }
    throw new IllegalStateException("the idle " + serverName + " holds " + seen + " sockets, expected " + expected);
  }

  /** How many sockets both processes can hold under their open-file limits. */
  private long reachable() throws IOException {
    long self = ProcessHandle.current().pid();
    long gw = ProcessMemory.openFileLimit(server.pid()) - ProcessMemory.openFiles(server.pid()) - FD_MARGIN;
    long me = ProcessMemory.openFileLimit(self) - ProcessMemory.openFiles(self) - FD_MARGIN;
    return Math.max(0, Math.min(gw, me) / 1000 * 1000);
  }

  private String fdLimitNote(long reachable) throws IOException {
    long pid = server.pid();
    return "each process may hold at most " + ProcessMemory.openFileLimit(pid) + " open files (soft limit; hard limit "
        + ProcessMemory.hardOpenFileLimit(pid) + "), and one socket is one file; `ulimit -n` cannot raise the hard limit "
        + "without CAP_SYS_RESOURCE, so at most " + reachable + " sockets fit";
  }

  private void connectUpTo(int target) throws Exception {
    List<CompletableFuture<Session>> pending = new ArrayList<>();
    long started = System.nanoTime();
    while (sessions.size() + pending.size() < target) {
      int i = sessions.size() + pending.size();
      ClientUpgradeRequest request = new ClientUpgradeRequest(uri);
      request.setHeader("Authorization", "Bearer " + tokens.issue("idle" + i, "d"));
      pending.add(client(i / PER_SOURCE_ADDRESS).connect(new IdleSocket(), request));
      if (pending.size() >= 128) {
        collect(pending);
      }
    }
    collect(pending);
    log.info("{} idle sockets open ({} per second)", sessions.size(),
        Math.round(target / Math.max(0.001, (System.nanoTime() - started) / 1e9)));
  }

  private void collect(List<CompletableFuture<Session>> pending) throws Exception {
    for (CompletableFuture<Session> f : pending) {
      sessions.add(f.get(60, TimeUnit.SECONDS));
    }
    pending.clear();
  }

  /** A client bound to source address 127.0.0.(1 + index). */
  private WebSocketClient client(int index) throws Exception {
    while (clients.size() <= index) {
      int n = clients.size();
      org.eclipse.jetty.client.HttpClient httpClient = new org.eclipse.jetty.client.HttpClient();
      httpClient.setBindAddress(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) (1 + n)}), 0));
      QueuedThreadPool threads = new QueuedThreadPool(16, 2);
      threads.setName("idle-client-" + n);
      httpClient.setExecutor(threads);
      WebSocketClient client = new WebSocketClient(httpClient);
      client.setIdleTimeout(Duration.ofMinutes(30));
      client.start();
      clients.add(client);
    }
    return clients.get(index);
  }

  private void closeAll() throws InterruptedException {
    for (Session s : sessions) {
      s.close();
    }
    sessions.clear();
  }

  @Override
  public void close() throws Exception {
    closeAll();
    for (WebSocketClient c : clients) {
      c.stop();
    }
    if (server != null) {
      server.close();
    }
  }

  /** An idle socket: it never writes, and ignores whatever arrives. */
  public static final class IdleSocket implements Session.Listener.AutoDemanding {
    @Override
    public void onWebSocketError(Throwable cause) {
      // sockets closed at the end of a level fail their pending reads; nothing to report
    }
  }
}
