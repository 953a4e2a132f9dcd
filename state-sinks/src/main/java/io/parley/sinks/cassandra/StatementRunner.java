package io.parley.sinks.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Semaphore;

/** Runs many statements at once, at most {@code maxInFlight} in flight, and waits for all of them. */
public final class StatementRunner {
  private final CqlSession session;
  private final int maxInFlight;

  public StatementRunner(CqlSession session, int maxInFlight) {
    this.session = session;
    this.maxInFlight = maxInFlight;
  }

  /**
   * Returns when every statement succeeded; otherwise throws the first failure (a driver exception)
   * after all have finished, so no write is still in flight when the caller retries.
   */
  public void runAll(List<Statement<?>> statements) {
    if (statements.isEmpty()) {
      return;
    }
    Semaphore permits = new Semaphore(maxInFlight);
    List<CompletableFuture<?>> pending = new ArrayList<>(statements.size());
    for (Statement<?> statement : statements) {
      permits.acquireUninterruptibly();
      CompletableFuture<?> future = session.executeAsync(statement).toCompletableFuture();
      future.whenComplete((result, error) -> permits.release());
      pending.add(future);
    }
    RuntimeException first = null;
    for (CompletableFuture<?> future : pending) {
      try {
        future.join();
      } catch (CompletionException e) {
        if (first == null) {
          first = e.getCause() instanceof RuntimeException r ? r : e;
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
