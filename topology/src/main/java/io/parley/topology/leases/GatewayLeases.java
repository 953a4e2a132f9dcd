package io.parley.topology.leases;

import io.parley.schemas.GatewayLease;
import io.parley.schemas.serde.AvroSerde;
import io.parley.topology.TopologyMetrics;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every gateway's latest lease, in a global store so each mailbox task sees all gateways. A record
 * that does not decode is logged, counted and skipped: a global store cannot forward it anywhere,
 * and the next renewal replaces it within seconds.
 */
public final class GatewayLeases implements Processor<String, byte[], Void, Void> {
  private static final Logger log = LoggerFactory.getLogger(GatewayLeases.class);
  public static final String STORE = "gateway-leases";

  private static final AvroSerde<GatewayLease> SERDE = AvroSerde.of(GatewayLease.class);
  private final TopologyMetrics metrics;
  private final String topic;
  private KeyValueStore<String, GatewayLease> store;

  public GatewayLeases(TopologyMetrics metrics, String topic) {
    this.metrics = metrics;
    this.topic = topic;
  }

  public static StoreBuilder<KeyValueStore<String, GatewayLease>> storeBuilder() {
    return Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(STORE), Serdes.String(), AvroSerde.of(GatewayLease.class))
        .withLoggingDisabled();
  }

  @Override
  public void init(ProcessorContext<Void, Void> context) {
    store = context.getStateStore(STORE);
  }

  @Override
  public void process(Record<String, byte[]> record) {
    if (record.key() == null) {
      metrics.deadLetter(topic);
      return;
    }
    if (record.value() == null) {
      store.delete(record.key());
      return;
    }
    try {
      GatewayLease lease = SERDE.decode(record.value());
      GatewayLease current = store.get(record.key());
      if (current == null || lease.getIncarnation() > current.getIncarnation()
          || (lease.getIncarnation() == current.getIncarnation() && lease.getRenewedAt() >= current.getRenewedAt())) {
        store.put(record.key(), lease);
      }
    } catch (RuntimeException e) {
      metrics.deadLetter(topic);
      log.warn("skipped an undecodable gateway lease for {}: {}", record.key(), e.getMessage());
    }
  }
}
