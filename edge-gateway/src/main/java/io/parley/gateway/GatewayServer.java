package io.parley.gateway;

import io.parley.auth.Principal;
import io.parley.auth.TokenService;
import io.parley.gateway.delivery.DeliveryConsumer;
import io.parley.gateway.events.AppEvents;
import io.parley.gateway.frames.InboundFrames;
import io.parley.gateway.kafka.GatewayProducer;
import io.parley.gateway.kafka.LeaseRenewer;
import io.parley.gateway.session.ClientSocket;
import io.parley.gateway.session.Connections;
import io.parley.gateway.session.SendPolicy;
import io.parley.gateway.session.SocketServices;
import io.parley.gateway.web.PageCsp;
import io.parley.gateway.web.WebPage;
import io.parley.http.BearerTokens;
import io.parley.http.HttpError;
import io.parley.http.HttpJson;
import io.parley.http.MetricsHandler;
import io.parley.kafka.TopicProvisioner;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.http.pathmap.PathSpec;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.server.handler.PathMappingsHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.server.ServerUpgradeRequest;
import org.eclipse.jetty.websocket.server.ServerUpgradeResponse;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running edge gateway: WebSocket at {@code /v1/ws}, {@code /metrics}, {@code /healthz}, and any
 * HTTP routes mounted beside them (the local stack serves the whole API from one origin this way).
 */
public final class GatewayServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(GatewayServer.class);
  public static final String WS_PATH = "/v1/ws";

  private final GatewayConfig config;
  private final long incarnation = System.currentTimeMillis();
  private final GatewayProducer producer;
  private final Connections connections = new Connections();
  private final GatewayMetrics metrics;
  private final LeaseRenewer leases;
  private final DeliveryConsumer deliveries;
  private final BearerTokens bearer;
  private final SocketServices services;
  private final AtomicBoolean crashed = new AtomicBoolean();
  private final AtomicBoolean stopped = new AtomicBoolean();
  private final AtomicBoolean unhealthyLogged = new AtomicBoolean();
  private Server server;
  private ServerConnector connector;

  private GatewayServer(GatewayConfig config, GatewayMetrics.Families families, SendPolicy sendPolicy) {
    this.config = config;
    this.metrics = families.bind(config.gatewayId());
    this.bearer = new BearerTokens(TokenService.fromSecret(config.tokenSecret(), Duration.ofDays(30)));
    this.producer = new GatewayProducer(config.bootstrapServers(), "parley-gateway-" + config.gatewayId(),
        config.topics(), config.producerLinger());
    this.leases = new LeaseRenewer(producer, config.gatewayId(), incarnation, () -> connections.all().forEach(ClientSocket::resync));
    this.deliveries = new DeliveryConsumer(config.bootstrapServers(), config.topics(), config.gatewayId(),
        connections, metrics, producer, config.maxQueuedBytesTotal());
    this.services = new SocketServices(config, incarnation, producer, connections,
        new InboundFrames(config.maxBodyChars(), config.maxAttachments()), metrics, sendPolicy, crashed::get,
        new AppEvents(config.gatewayId()));
  }

  /**
   * Creates this gateway's topics, writes its first lease, fixes its delivery positions, and only
   * then accepts connections.
   *
   * @param families the metric families of the registry {@code /metrics} serves
   * @param routes extra HTTP handlers by path spec (e.g. {@code "/v1/users/*"})
   */
  public static GatewayServer start(GatewayConfig config, PrometheusRegistry registry, GatewayMetrics.Families families,
      SendPolicy sendPolicy, Map<String, Handler> routes) throws Exception {
    TopicProvisioner.ensure(config.bootstrapServers(), List.of(
        config.topics().deliveries(config.gatewayId()), config.topics().mailbox(), config.topics().gateways(),
        config.topics().heartbeats(), config.topics().events(), config.topics().deadLetters()), config.replicationFactor());
    GatewayServer gateway = new GatewayServer(config, families, sendPolicy);
    try {
      gateway.leases.start(config.leaseInterval());
      gateway.deliveries.start(Duration.ofSeconds(60));
      gateway.startJetty(registry, routes);
    } catch (Exception e) {
      gateway.crash();
      throw e;
    }
    log.info("gateway {} (incarnation {}) listening on {}", config.gatewayId(), gateway.incarnation, gateway.uri());
    return gateway;
  }

  public static GatewayServer start(GatewayConfig config, PrometheusRegistry registry) throws Exception {
    return start(config, registry, GatewayMetrics.register(registry), SendPolicy.ANY, Map.of());
  }

  private void startJetty(PrometheusRegistry registry, Map<String, Handler> routes) throws Exception {
    QueuedThreadPool threads = new QueuedThreadPool(200, 8);
    threads.setName("gateway-" + config.gatewayId());
    server = new Server(threads);
    connector = new ServerConnector(server);
    connector.setHost(config.host());
    connector.setPort(config.port());
    config.httpLimits().applyTo(connector, "gateway " + config.gatewayId(), registry);
    server.addConnector(connector);

    ContextHandler root = new ContextHandler("/");
    WebSocketUpgradeHandler ws = WebSocketUpgradeHandler.from(server, root, container -> {
      container.setIdleTimeout(config.idleTimeout());
      // Frames are read in parts and measured by ClientSocket, which refuses oversized ones with an
      // error frame; Jetty's own ceiling only stops a single frame far beyond any limit.
      container.setMaxTextMessageSize(Math.max(16L * config.maxFrameBytes(), 1 << 20));
      container.setMaxFrameSize(Math.max(16L * config.maxFrameBytes(), 1 << 20));
      container.setAutoFragment(true);
      container.addMapping(WS_PATH, this::upgrade);
    });

    // Upgrade requests to /v1/ws become sockets; every other request falls through to the paths.
    PathMappingsHandler paths = new PathMappingsHandler();
    paths.addMapping(PathSpec.from(WS_PATH), new UpgradeRequired());
    paths.addMapping(PathSpec.from("/metrics"), new MetricsHandler(registry));
    paths.addMapping(PathSpec.from("/healthz"), new Health());
    Map<String, Handler> withPage = new LinkedHashMap<>(routes); // the API first, then the page's files
    withPage.put("/*", WebPage.fromClasspath(PageCsp.policy(config.pageMediaSources())));
    paths.addMapping(PathSpec.from("/"), new Routes(withPage));
    ws.setHandler(paths);
    root.setHandler(ws);
    server.setHandler(root);
    server.start();
  }

  private Object upgrade(ServerUpgradeRequest request, ServerUpgradeResponse response, Callback callback) {
    try {
      Principal principal = bearer.authenticateSocket(request);
      long cursor = cursorOf(request);
      if (leases.lapsed()) {
        if (unhealthyLogged.compareAndSet(false, true)) {
          log.warn("gateway {} cannot renew its lease in Kafka; refusing new sockets until it can", config.gatewayId());
        }
        throw new HttpError(503, "unavailable", "messaging is unavailable; retry shortly", 5);
      }
      unhealthyLogged.set(false);
      return new ClientSocket(principal, cursor, services);
    } catch (HttpError e) {
      metrics.upgradeRefused(e.status());
      HttpJson.error(response, callback, e);
      return null;
    }
  }

  /** The optional {@code ?cursor=N}: the highest seq the device already holds. */
  private static long cursorOf(Request request) throws HttpError {
    Fields.Field field = Request.extractQueryParameters(request).get("cursor");
    if (field == null) {
      return -1;
    }
    try {
      long cursor = Long.parseLong(field.getValue());
      if (cursor < 0) {
        throw new NumberFormatException();
      }
      return cursor;
    } catch (NumberFormatException e) {
      throw HttpError.badRequest("cursor must be a non-negative integer");
    }
  }

  public int port() {
    return connector.getLocalPort();
  }

  public URI uri() {
    return URI.create("http://" + config.host() + ":" + port());
  }

  public URI webSocketUri() {
    return URI.create("ws://" + config.host() + ":" + port() + WS_PATH);
  }

  public String gatewayId() {
    return config.gatewayId();
  }

  /** The delivery consumer's own metrics, its lag included (for a process running one gateway; see GatewayMain). */
  public java.util.Map<org.apache.kafka.common.MetricName, ? extends org.apache.kafka.common.Metric> consumerMetrics() {
    return deliveries.metrics();
  }

  /** The Kafka producer's own metrics (for a process running one gateway; see GatewayMain). */
  public java.util.Map<org.apache.kafka.common.MetricName, ? extends org.apache.kafka.common.Metric> producerMetrics() {
    return producer.metrics();
  }

  public int connections() {
    return connections.size();
  }

  /** Stops without a goodbye, as a killed process would: no session closes, no final lease. */
  public void crash() {
    if (!stopped.compareAndSet(false, true)) {
      return;
    }
    crashed.set(true);
    leases.close();
    deliveries.close();
    stopJetty();
    producer.close(Duration.ZERO);
    log.info("gateway {} crashed on purpose", config.gatewayId());
  }

  /** Closes every socket (each leaves a session close), writes a final lease, and stops. */
  @Override
  public void close() {
    if (!stopped.compareAndSet(false, true)) {
      return;
    }
    try {
      if (connector != null) {
        connector.close();
      }
      connections.all().forEach(ClientSocket::goingAway);
      long deadline = System.currentTimeMillis() + 5_000;
      while (connections.size() > 0 && System.currentTimeMillis() < deadline) {
        Thread.sleep(20);
      }
      producer.flush();
      leases.release();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      deliveries.close();
      stopJetty();
      producer.close();
    }
    log.info("gateway {} stopped", config.gatewayId());
  }

  private void stopJetty() {
    try {
      if (server != null) {
        server.stop();
      }
    } catch (Exception e) {
      log.warn("jetty of gateway {} did not stop cleanly: {}", config.gatewayId(), e.toString());
    }
  }

  private final class Health extends Handler.Abstract.NonBlocking {
    @Override
    public boolean handle(Request request, Response response, Callback callback) {
      HttpJson.write(response, callback, 200, Map.of(
          "status", "ok", "gateway", config.gatewayId(), "connections", connections.size()));
      return true;
    }
  }

  private static final class UpgradeRequired extends Handler.Abstract.NonBlocking {
    @Override
    public boolean handle(Request request, Response response, Callback callback) {
      HttpJson.error(response, callback, new HttpError(426, "upgrade_required", "this endpoint speaks WebSocket"));
      return true;
    }
  }

  /**
   * The services' routes, tried in order: a service answers the paths it knows and declines the
   * rest, so two services may share a prefix ({@code /v1/users/...}). Nothing matched: 404. The
   * handlers belong to their services (shared by every gateway of the local stack), not to this server.
   */
  private static final class Routes extends Handler.Abstract {
    private final List<Map.Entry<PathSpec, Handler>> routes;

    Routes(Map<String, Handler> routes) {
      this.routes = routes.entrySet().stream()
          .map(e -> Map.entry(PathSpec.from(e.getKey()), e.getValue())).toList();
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
      String path = Request.getPathInContext(request);
      for (Map.Entry<PathSpec, Handler> route : routes) {
        if (route.getKey().matches(path) && route.getValue().handle(request, response, callback)) {
          return true;
        }
      }
      HttpJson.error(response, callback, HttpError.notFound("no such endpoint"));
      return true;
    }
  }
}
