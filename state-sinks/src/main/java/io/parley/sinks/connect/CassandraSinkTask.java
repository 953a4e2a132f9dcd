package io.parley.sinks.connect;

import com.datastax.oss.driver.api.core.CqlSession;
import io.parley.sinks.InvalidRecordException;
import io.parley.sinks.cassandra.Backoff;
import io.parley.sinks.cassandra.CassandraErrors;
import io.parley.sinks.cassandra.CqlSchema;
import io.parley.sinks.cassandra.CqlSessions;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What both Parley sinks do around their Cassandra writes, in layers: a record that can never be
 * written goes to the dead-letter topic; Cassandra being down or slow makes the whole batch come
 * back later (bounded retries with backoff, never skipping a record); a request Cassandra refuses is
 * retried record by record so only the record at fault is dead-lettered; a broken setup stops the task.
 *
 * @param <R> the row a record becomes
 */
abstract class CassandraSinkTask<R> extends SinkTask {
  private static final Logger log = LoggerFactory.getLogger(CassandraSinkTask.class);

  protected CassandraSinkConfig config;
  private Backoff backoff;
  private SinkMetrics metrics;
  private CqlSession session;
  /** Records dead-lettered during the current retry cycle, so a redelivered batch reports them once. */
  private final Set<String> reported = new HashSet<>();

  /** A record and the row it became. */
  protected record Mapped<R>(SinkRecord record, R row) {}

  /** Decodes and checks one record. */
  protected abstract R map(SinkRecord record) throws InvalidRecordException;

  /** Prepares the writer once a session (and the schema) is there. */
  protected abstract void open(CqlSession session);

  /** Writes rows; returns {rows written, requests sent}. Throws the driver's exception on failure. */
  protected abstract int[] write(List<R> rows);

  @Override
  public String version() {
    return Version.get();
  }

  @Override
  public void start(Map<String, String> props) {
    config = new CassandraSinkConfig(props);
    backoff = config.backoff();
    metrics = new SinkMetrics(context == null ? null : context.pluginMetrics());
  }

  @Override
  public void put(Collection<SinkRecord> records) {
    if (records.isEmpty()) {
      return;
    }
    List<Mapped<R>> mapped = new ArrayList<>(records.size());
    for (SinkRecord record : records) {
      try {
        mapped.add(new Mapped<>(record, map(record)));
      } catch (InvalidRecordException | RuntimeException e) {
        deadLetter(record, e);
      }
    }
    if (!mapped.isEmpty()) {
      writeAll(mapped);
    }
    backoff.succeeded();
    reported.clear();
  }

  private void writeAll(List<Mapped<R>> mapped) {
    ensureOpen();
    long started = System.nanoTime();
    try {
      int[] written = write(mapped.stream().map(Mapped::row).toList());
      metrics.written(mapped.size(), written[0], written[1], (System.nanoTime() - started) / 1_000_000);
    } catch (RuntimeException e) {
      writeFailed(e, mapped);
    }
  }

  private void writeFailed(RuntimeException error, List<Mapped<R>> mapped) {
    switch (CassandraErrors.classify(error)) {
      case TRANSIENT -> retryLater(error);
      case SETUP -> throw new ConnectException("Cassandra refuses Parley's writes; fix the setup and restart the task", error);
      case REQUEST -> writeOneByOne(error, mapped);
      default -> throw new IllegalStateException("unknown error kind", error);
    }
  }

  /** Cassandra refused a request of many rows: find the records at fault by writing each alone. */
  private void writeOneByOne(RuntimeException batchError, List<Mapped<R>> mapped) {
    log.warn("{}: Cassandra refused a batch of {} records ({}); writing them one by one", name(), mapped.size(),
        CassandraErrors.unwrap(batchError).toString());
    for (Mapped<R> m : mapped) {
      long started = System.nanoTime();
      try {
        int[] written = write(List.of(m.row()));
        metrics.written(1, written[0], written[1], (System.nanoTime() - started) / 1_000_000);
      } catch (RuntimeException e) {
        switch (CassandraErrors.classify(e)) {
          case TRANSIENT -> retryLater(e);
          case SETUP -> throw new ConnectException("Cassandra refuses Parley's writes; fix the setup and restart the task", e);
          default -> deadLetter(m.record(), CassandraErrors.unwrap(e));
        }
      }
    }
  }

  private void retryLater(Throwable error) {
    metrics.retried();
    if (!backoff.failed()) {
      throw new ConnectException(name() + ": Cassandra still failing after " + (backoff.failures() - 1)
          + " attempts; the task stops and resumes from its last committed offset when restarted", error);
    }
    long delay = backoff.delay().toMillis();
    log.warn("{}: Cassandra write failed ({}); attempt {} in {} ms", name(), CassandraErrors.unwrap(error).toString(),
        backoff.failures() + 1, delay);
    context.timeout(delay);
    throw new RetriableException("Cassandra unavailable: " + CassandraErrors.unwrap(error).getMessage(), error);
  }

  private void deadLetter(SinkRecord record, Throwable reason) {
    String where = record.topic() + "-" + record.kafkaPartition() + "@" + record.kafkaOffset();
    if (!reported.add(where)) {
      return;
    }
    ErrantRecordReporter reporter = context.errantRecordReporter();
    if (reporter == null) {
      throw new ConnectException("record " + where + " can never be written (" + reason.getMessage()
          + ") and this worker has no dead-letter reporter", reason);
    }
    log.warn("{}: record {} goes to the dead-letter topic: {}", name(), where, reason.getMessage());
    // The worker sends it (or fails the task if errors.tolerance=none) and waits for it before committing offsets.
    reporter.report(record, reason);
    metrics.deadLettered();
  }

  private void ensureOpen() {
    if (session != null) {
      return;
    }
    CqlSession opened = null;
    try {
      var settings = config.settings();
      opened = CqlSessions.open(settings, getClass().getClassLoader());
      if (config.applySchema()) {
        CqlSchema.migrate(opened, settings.keyspace(), settings.replication());
      }
      open(opened);
      session = opened;
      log.info("{}: connected to Cassandra at {}", name(), settings.contactPointsString());
    } catch (RuntimeException e) {
      if (opened != null) {
        opened.close();
      }
      if (CassandraErrors.isTransient(e)) {
        retryLater(e);
      }
      throw new ConnectException(name() + ": cannot prepare Parley's statements in Cassandra", e);
    }
  }

  protected String name() {
    return getClass().getSimpleName();
  }

  @Override
  public void stop() {
    if (session != null) {
      session.close();
      session = null;
    }
  }
}
