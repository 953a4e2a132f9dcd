package io.parley.sinks.connect;

import org.apache.kafka.connect.connector.Task;

/** Sinks the analytics job's {@code topic-trends} topic into the {@code topic_trends} table. */
public final class TopicTrendsSinkConnector extends CassandraSinkConnector {
  @Override
  public Class<? extends Task> taskClass() {
    return TopicTrendsSinkTask.class;
  }
}
