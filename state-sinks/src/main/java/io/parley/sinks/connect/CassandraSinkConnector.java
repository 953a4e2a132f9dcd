package io.parley.sinks.connect;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.sink.SinkConnector;

/** What both Parley sink connectors share: settings checked at start, every task configured alike. */
abstract class CassandraSinkConnector extends SinkConnector {
  private Map<String, String> props;

  @Override
  public void start(Map<String, String> props) {
    new CassandraSinkConfig(props);
    this.props = Map.copyOf(props);
  }

  @Override
  public List<Map<String, String>> taskConfigs(int maxTasks) {
    List<Map<String, String>> configs = new ArrayList<>(maxTasks);
    for (int i = 0; i < maxTasks; i++) {
      configs.add(props);
    }
    return configs;
  }

  @Override
  public void stop() {
    // tasks hold the sessions; the connector holds nothing
  }

  @Override
  public ConfigDef config() {
    return CassandraSinkConfig.CONFIG_DEF;
  }

  @Override
  public String version() {
    return Version.get();
  }
}
