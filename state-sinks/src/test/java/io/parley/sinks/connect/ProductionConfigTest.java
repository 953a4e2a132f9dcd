package io.parley.sinks.connect;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.parley.kafka.Topics;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The connector files for a production Connect cluster say what the local stack registers. */
class ProductionConfigTest {
  @Test
  void shouldRegisterTheSameConnectorsAsTheLocalStack() throws Exception {
    check("config/parley-messages.json", ParleyConnectors.messages(Topics.withDefaults(), Map.of(), 4, (short) 3));
    check("config/parley-last-seen.json", ParleyConnectors.lastSeen(Topics.withDefaults(), Map.of(), 4, (short) 3));
    check("config/parley-message-tags.json", ParleyConnectors.messageTags(Topics.withDefaults(), Map.of(), 4, (short) 3));
    check("config/parley-topic-trends.json", ParleyConnectors.topicTrends(Topics.withDefaults(), Map.of(), (short) 3));
  }

  private static void check(String file, Map<String, String> local) throws Exception {
    JsonNode json = new ObjectMapper().readTree(Path.of(file).toFile());
    Map<String, String> config = new HashMap<>();
    json.get("config").fields().forEachRemaining(e -> config.put(e.getKey(), e.getValue().asText()));
    config.put("name", json.get("name").asText());
    local.forEach((key, value) -> assertThat(config).as(file).containsEntry(key, value));
    new CassandraSinkConfig(config); // every Parley setting in the file is valid
    config.keySet().stream().filter(k -> k.startsWith("cassandra.") || k.startsWith("history."))
        .forEach(k -> assertThat(CassandraSinkConfig.CONFIG_DEF.names()).as(file).contains(k));
  }
}
