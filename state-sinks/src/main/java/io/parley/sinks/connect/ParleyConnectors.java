package io.parley.sinks.connect;

import io.parley.kafka.Topics;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The configurations Parley registers its connectors with: which topic, the converters the tasks
 * expect, and the dead-letter topic every record that can never be written goes to.
 */
public final class ParleyConnectors {
  public static final String MESSAGES = "parley-messages";
  public static final String LAST_SEEN = "parley-last-seen";
  public static final String MESSAGE_TAGS = "parley-message-tags";
  public static final String TOPIC_TRENDS = "parley-topic-trends";

  private ParleyConnectors() {}

  /**
   * @param cassandra {@code cassandra.*} and other {@link CassandraSinkConfig} settings
   * @param replicationFactor of the dead-letter topic, should the worker have to create it
   */
  public static Map<String, String> messages(Topics topics, Map<String, String> cassandra, int tasks, short replicationFactor) {
    return config(MESSAGES, MessagesSinkConnector.class, topics.messages().name(), topics, cassandra, tasks, replicationFactor);
  }

  public static Map<String, String> lastSeen(Topics topics, Map<String, String> cassandra, int tasks, short replicationFactor) {
    return config(LAST_SEEN, LastSeenSinkConnector.class, topics.lastSeen().name(), topics, cassandra, tasks, replicationFactor);
  }

  /** The analytics job's tags of messages, for the history API. */
  public static Map<String, String> messageTags(Topics topics, Map<String, String> cassandra, int tasks, short replicationFactor) {
    return config(MESSAGE_TAGS, MessageTagsSinkConnector.class, topics.messageTags().name(), topics, cassandra, tasks,
        replicationFactor);
  }

  /** The analytics job's trend windows, for {@code GET /v1/trends}; one partition, so one task. */
  public static Map<String, String> topicTrends(Topics topics, Map<String, String> cassandra, short replicationFactor) {
    return config(TOPIC_TRENDS, TopicTrendsSinkConnector.class, topics.topicTrends().name(), topics, cassandra, 1,
        replicationFactor);
  }

  private static Map<String, String> config(String name, Class<?> connector, String topic, Topics topics,
      Map<String, String> cassandra, int tasks, short replicationFactor) {
    Map<String, String> c = new LinkedHashMap<>();
    c.put("name", name);
    c.put("connector.class", connector.getName());
    c.put("tasks.max", String.valueOf(tasks));
    c.put("topics", topic);
    c.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
    c.put("value.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
    c.put("errors.tolerance", "all");
    c.put("errors.log.enable", "true");
    c.put("errors.deadletterqueue.topic.name", topics.deadLetters().name());
    c.put("errors.deadletterqueue.topic.replication.factor", String.valueOf(replicationFactor));
    c.put("errors.deadletterqueue.context.headers.enable", "true");
    cassandra.forEach((k, v) -> {
      if (CassandraSinkConfig.CONFIG_DEF.names().contains(k)) {
        c.put(k, v);
      }
    });
    return c;
  }
}
