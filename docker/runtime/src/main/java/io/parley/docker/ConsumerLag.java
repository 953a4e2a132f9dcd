package io.parley.docker;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lag of every consumer group (the topology's, the Connect sinks'), per group and topic: committed
 * offsets against the last stable offsets, read with an admin client at scrape time. Every broker
 * exports it, so the number survives one broker's death; rules take the max over brokers.
 */
final class ConsumerLag implements MultiCollector {
  private static final Logger log = LoggerFactory.getLogger(ConsumerLag.class);
  private final Admin admin;

  ConsumerLag(String bootstrapServers) {
    this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5_000, AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 4_000));
  }

  @Override
  public MetricSnapshots collect() {
    GaugeSnapshot.Builder gauge = GaugeSnapshot.builder().name("kafka_consumergroup_lag")
        .help("records not yet consumed by a group, per group and topic (committed offset to last stable offset)");
    try {
      for (ConsumerGroupListing group : admin.listConsumerGroups().all().get(5, TimeUnit.SECONDS)) {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group.groupId())
            .partitionsToOffsetAndMetadata().get(5, TimeUnit.SECONDS);
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        committed.forEach((tp, offset) -> {
          if (offset != null) {
            latest.put(tp, OffsetSpec.latest());
          }
        });
        if (latest.isEmpty()) {
          continue;
        }
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(latest,
            new org.apache.kafka.clients.admin.ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all().get(5, TimeUnit.SECONDS);
        Map<String, Long> byTopic = new TreeMap<>();
        ends.forEach((tp, end) -> byTopic.merge(tp.topic(), Math.max(0, end.offset() - committed.get(tp).offset()), Long::sum));
        byTopic.forEach((topic, lag) -> gauge.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder()
            .labels(Labels.of("group", group.groupId(), "topic", topic)).value(lag).build()));
      }
    } catch (Exception e) {
      // the broker is starting or its peers are away: no sample this scrape rather than a failed scrape
      log.debug("consumer lag unavailable: {}", e.toString());
    }
    return new MetricSnapshots(List.of(gauge.build()));
  }
}
