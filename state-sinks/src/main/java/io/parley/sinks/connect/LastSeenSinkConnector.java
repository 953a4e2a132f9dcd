package io.parley.sinks.connect;

import org.apache.kafka.connect.connector.Task;

/** Sinks the coalesced {@code last-seen} topic into the {@code last_seen} table. */
public final class LastSeenSinkConnector extends CassandraSinkConnector {
  @Override
  public Class<? extends Task> taskClass() {
    return LastSeenSinkTask.class;
  }
}
