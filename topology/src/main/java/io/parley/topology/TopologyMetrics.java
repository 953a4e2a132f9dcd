package io.parley.topology;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/** Every metric the topology exports, named in one place. */
public final class TopologyMetrics {
  private final Counter deadLetters;
  private final Counter duplicates;
  private final Counter routed;
  private final Counter receipts;
  private final Counter ignored;
  private final Counter sessionsExpired;
  private final Counter inboxExpired;
  private final Counter groupRefused;
  private final Counter groupFanout;

  public TopologyMetrics(PrometheusRegistry registry) {
    deadLetters = Counter.builder().name("parley_topology_dead_letters_total")
        .help("records no reader could decode, sent to the dead-letter topic").labelNames("topic").register(registry);
    duplicates = Counter.builder().name("parley_mailbox_duplicates_total")
        .help("resent messages recognised by (sender, client id) and not given a second seq").register(registry);
    routed = Counter.builder().name("parley_mailbox_routed_total")
        .help("deliverables routed to a gateway, per device").register(registry);
    receipts = Counter.builder().name("parley_mailbox_receipts_total")
        .help("receipts put into senders' mailboxes").labelNames("status").register(registry);
    ignored = Counter.builder().name("parley_mailbox_ignored_total")
        .help("commands that could not apply (unknown device, seq out of range, stale session)").labelNames("reason").register(registry);
    sessionsExpired = Counter.builder().name("parley_mailbox_sessions_expired_total")
        .help("device sessions turned offline because their gateway's lease ended").register(registry);
    inboxExpired = Counter.builder().name("parley_mailbox_inbox_expired_total")
        .help("inbox entries removed by retention without every device acknowledging them").register(registry);
    groupRefused = Counter.builder().name("parley_groups_refused_total")
        .help("group messages refused because the sender is not a member").register(registry);
    groupFanout = Counter.builder().name("parley_groups_fanout_deliveries_total")
        .help("group messages put into members' mailboxes").register(registry);
  }

  public void groupRefused() {
    groupRefused.inc();
  }

  public void fannedOut(int recipients) {
    groupFanout.inc(recipients);
  }

  public static TopologyMetrics unregistered() {
    return new TopologyMetrics(new PrometheusRegistry());
  }

  public void deadLetter(String topic) {
    deadLetters.labelValues(topic).inc();
  }

  public void duplicate() {
    duplicates.inc();
  }

  public void routed(int devices) {
    routed.inc(devices);
  }

  public void receipt(String status) {
    receipts.labelValues(status).inc();
  }

  public void ignored(String reason) {
    ignored.labelValues(reason).inc();
  }

  public void sessionExpired() {
    sessionsExpired.inc();
  }

  public void inboxExpired() {
    inboxExpired.inc();
  }
}
