package io.parley.docker;

import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.List;

/**
 * A Kafka broker (Kafka's own {@code kafka.Kafka} on a formatted KRaft log folder) with a Prometheus
 * endpoint on {@code PARLEY_METRICS_PORT} (default 9404): the JVM, the broker's health and rates read
 * from its JMX beans, and the lag of every consumer group (see {@link ConsumerLag}).
 * {@code BrokerMain server.properties}.
 */
public final class BrokerMain {
  private BrokerMain() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 1) {
      throw new IllegalArgumentException("usage: BrokerMain server.properties");
    }
    int port = Integer.parseInt(System.getenv().getOrDefault("PARLEY_METRICS_PORT", "9404"));
    String self = System.getenv().getOrDefault("PARLEY_LAG_BOOTSTRAP", "127.0.0.1:9092");
    PrometheusRegistry registry = PrometheusRegistry.defaultRegistry;
    JvmMetrics.builder().register(registry);
    registry.register(new JmxGauges(beans()));
    registry.register(new ConsumerLag(self));
    HTTPServer.builder().port(port).registry(registry).buildAndStart();
    kafka.Kafka.main(args);
  }

  private static List<JmxGauges.Bean> beans() {
    return List.of(
        new JmxGauges.Bean("kafka.server:type=ReplicaManager,name=UnderReplicatedPartitions", "Value",
            "kafka_server_under_replicated_partitions", "partitions this broker leads with a replica out of sync", List.of()),
        new JmxGauges.Bean("kafka.server:type=ReplicaManager,name=UnderMinIsrPartitionCount", "Value",
            "kafka_server_under_min_isr_partitions", "partitions this broker leads with fewer in-sync replicas than min.insync.replicas", List.of()),
        new JmxGauges.Bean("kafka.server:type=ReplicaManager,name=PartitionCount", "Value",
            "kafka_server_partitions", "partitions on this broker", List.of()),
        new JmxGauges.Bean("kafka.server:type=ReplicaManager,name=LeaderCount", "Value",
            "kafka_server_leader_partitions", "partitions this broker leads", List.of()),
        new JmxGauges.Bean("kafka.controller:type=KafkaController,name=ActiveControllerCount", "Value",
            "kafka_controller_active", "1 on the node that is the active KRaft controller", List.of()),
        new JmxGauges.Bean("kafka.controller:type=KafkaController,name=OfflinePartitionsCount", "Value",
            "kafka_controller_offline_partitions", "partitions without a leader (active controller only)", List.of()),
        new JmxGauges.Bean("kafka.server:type=BrokerTopicMetrics,name=MessagesInPerSec,topic=*", "Count",
            "kafka_server_messages_in", "records appended, per topic (a counter)", List.of("topic")),
        new JmxGauges.Bean("kafka.server:type=BrokerTopicMetrics,name=BytesInPerSec,topic=*", "Count",
            "kafka_server_bytes_in", "bytes appended, per topic (a counter)", List.of("topic")),
        new JmxGauges.Bean("kafka.server:type=BrokerTopicMetrics,name=BytesOutPerSec,topic=*", "Count",
            "kafka_server_bytes_out", "bytes fetched, per topic (a counter)", List.of("topic")),
        new JmxGauges.Bean("kafka.network:type=RequestMetrics,name=TotalTimeMs,request=*", "99thPercentile",
            "kafka_network_request_time_p99_milliseconds", "99th percentile of request time, per request type", List.of("request")),
        new JmxGauges.Bean("kafka.log:type=Log,name=Size,topic=*,partition=*", "Value",
            "kafka_log_size_bytes", "bytes of one partition's log on this broker", List.of("topic", "partition")));
  }
}
