package io.parley.sinks.connect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.parley.kafka.Topics;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class CassandraSinkConfigTest {
  @Test
  void shouldDocumentEveryKeyWithADefault() {
    CassandraSinkConfig.CONFIG_DEF.configKeys().values().forEach(key -> {
      assertThat(key.documentation).as(key.name).isNotBlank();
      assertThat(key.hasDefault()).as(key.name).isTrue();
    });
    CassandraSinkConfig config = new CassandraSinkConfig(Map.of());
    assertThat(config.settings().keyspace()).isEqualTo("parley");
    assertThat(config.settings().contactPoints()).hasSize(1);
    assertThat(config.limits().batchMaxBytes()).isLessThan(50 * 1024);
  }

  @Test
  void shouldRefuseBadValuesNamingTheKey() {
    assertThatThrownBy(() -> new CassandraSinkConfig(Map.of(CassandraSinkConfig.KEYSPACE, "Drop Table")))
        .isInstanceOf(ConfigException.class).hasMessageContaining(CassandraSinkConfig.KEYSPACE);
    assertThatThrownBy(() -> new CassandraSinkConfig(Map.of(CassandraSinkConfig.CONSISTENCY, "SOME")))
        .isInstanceOf(ConfigException.class).hasMessageContaining(CassandraSinkConfig.CONSISTENCY);
    assertThatThrownBy(() -> new CassandraSinkConfig(Map.of(CassandraSinkConfig.REPLICATION, "x; DROP KEYSPACE parley")))
        .isInstanceOf(ConfigException.class);
  }

  @Test
  void shouldRegisterConnectorsWithTheDeadLetterTopic() {
    Map<String, String> c = ParleyConnectors.messages(Topics.withDefaults(),
        Map.of(CassandraSinkConfig.CONTACT_POINTS, "127.0.0.1:9999", "unrelated", "x"), 2, (short) 1);
    assertThat(c).containsEntry("topics", "parley.messages")
        .containsEntry("errors.tolerance", "all")
        .containsEntry("errors.deadletterqueue.topic.name", "parley.dead-letters")
        .containsEntry(CassandraSinkConfig.CONTACT_POINTS, "127.0.0.1:9999")
        .doesNotContainKey("unrelated");
  }
}
