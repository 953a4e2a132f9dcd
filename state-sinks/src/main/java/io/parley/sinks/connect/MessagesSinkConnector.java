package io.parley.sinks.connect;

import org.apache.kafka.connect.connector.Task;

/** Sinks the {@code messages} topic into the history tables (permanent history mode only). */
public final class MessagesSinkConnector extends CassandraSinkConnector {
  @Override
  public Class<? extends Task> taskClass() {
    return MessagesSinkTask.class;
  }
}
