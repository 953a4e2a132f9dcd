package io.parley.sinks.connect;

import org.apache.kafka.connect.connector.Task;

/** Sinks the analytics job's {@code message-tags} topic into the {@code message_tags} table. */
public final class MessageTagsSinkConnector extends CassandraSinkConnector {
  @Override
  public Class<? extends Task> taskClass() {
    return MessageTagsSinkTask.class;
  }
}
