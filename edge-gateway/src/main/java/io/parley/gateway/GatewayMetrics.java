package io.parley.gateway;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * Every metric a gateway exports, named in one place. The metric families are registered once per
 * registry ({@link #register}); each gateway records through a view bound to its id.
 */
public final class GatewayMetrics {
  private final Families f;
  private final String gateway;

  private GatewayMetrics(Families families, String gatewayId) {
    this.f = families;
    this.gateway = gatewayId;
  }

  public static Families register(PrometheusRegistry registry) {
    return new Families(registry);
  }

  /** The metric families of one registry; several gateways in one process share them. */
  public static final class Families {
    private final Gauge connections;
    private final Counter framesIn;
    private final Counter framesOut;
    private final Counter errors;
    private final Counter upgradesRefused;
    private final Counter disconnects;
    private final Counter staleDeliveries;
    private final Counter corruptDeliveries;
    private final Histogram sendAck;
    private final Histogram deliveryLatency;
    private final Gauge consumerPaused;

    private Families(PrometheusRegistry registry) {
      connections = Gauge.builder().name("parley_gateway_connections")
          .help("open WebSocket connections").labelNames("gateway").register(registry);
      framesIn = Counter.builder().name("parley_gateway_frames_in_total")
          .help("frames received from clients").labelNames("gateway", "type").register(registry);
      framesOut = Counter.builder().name("parley_gateway_frames_out_total")
          .help("frames written to clients").labelNames("gateway", "type").register(registry);
      errors = Counter.builder().name("parley_gateway_errors_total")
          .help("error frames sent to clients").labelNames("gateway", "code").register(registry);
      upgradesRefused = Counter.builder().name("parley_gateway_upgrades_refused_total")
          .help("WebSocket upgrades refused").labelNames("gateway", "status").register(registry);
      disconnects = Counter.builder().name("parley_gateway_disconnects_total")
          .help("sockets closed by the gateway").labelNames("gateway", "reason").register(registry);
      staleDeliveries = Counter.builder().name("parley_gateway_stale_deliveries_total")
          .help("deliveries for a session no longer on this gateway (resent from the inbox on reconnect)")
          .labelNames("gateway").register(registry);
      corruptDeliveries = Counter.builder().name("parley_gateway_corrupt_deliveries_total")
          .help("delivery records that did not decode (sent to the dead-letter topic)").labelNames("gateway").register(registry);
      sendAck = Histogram.builder().name("parley_gateway_send_ack_seconds")
          .help("from a send frame to Kafka's acknowledgement (the sent frame)").labelNames("gateway")
          .classicUpperBounds(0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5).register(registry);
      deliveryLatency = Histogram.builder().name("parley_gateway_delivery_latency_seconds")
          .help("from the sender's gateway accepting a message to this gateway writing it to a recipient")
          .labelNames("gateway")
          .classicUpperBounds(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 60).register(registry);
      consumerPaused = Gauge.builder().name("parley_gateway_consumer_paused")
          .help("1 while the delivery consumer is paused because sockets cannot keep up").labelNames("gateway").register(registry);
    }

    public GatewayMetrics bind(String gatewayId) {
      return new GatewayMetrics(this, gatewayId);
    }
  }

  public void connected() {
    f.connections.labelValues(gateway).inc();
  }

  public void disconnected() {
    f.connections.labelValues(gateway).dec();
  }

  public void frameIn(String type) {
    f.framesIn.labelValues(gateway, type).inc();
  }

  public void frameOut(String type) {
    f.framesOut.labelValues(gateway, type).inc();
  }

  public void error(String code) {
    f.errors.labelValues(gateway, code).inc();
  }

  public void upgradeRefused(int status) {
    f.upgradesRefused.labelValues(gateway, String.valueOf(status)).inc();
  }

  public void closedByGateway(String reason) {
    f.disconnects.labelValues(gateway, reason).inc();
  }

  public void staleDelivery() {
    f.staleDeliveries.labelValues(gateway).inc();
  }

  public void corruptDelivery() {
    f.corruptDeliveries.labelValues(gateway).inc();
  }

  public void sendAcked(long nanos) {
    f.sendAck.labelValues(gateway).observe(nanos / 1e9);
  }

  public void delivered(long millisSinceSent) {
    f.deliveryLatency.labelValues(gateway).observe(Math.max(0, millisSinceSent) / 1e3);
  }

  public void consumerPaused(boolean paused) {
    f.consumerPaused.labelValues(gateway).set(paused ? 1 : 0);
  }
}
