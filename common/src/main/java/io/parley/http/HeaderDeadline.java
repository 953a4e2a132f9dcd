package io.parley.http;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.http.HttpParser;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.internal.HttpConnection;
import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes an HTTP/1 connection whose request header takes longer than a deadline to arrive (a
 * slowloris client trickling it byte by byte, or one that sent part of it and then nothing). Jetty's
 * idle timeout only bounds the time between two bytes, and its minimum data rates only apply to
 * request bodies. A new connection's deadline runs from its opening; a keep-alive connection's from
 * the first byte of its next request. WebSockets are not watched: an upgrade replaces the HTTP
 * connection, and sockets have their own idle timeout.
 *
 * <p>The parser's state is read from the sweeping thread ({@code HttpParser}'s state is volatile);
 * the parser is reached through Jetty's {@code HttpConnection}, internal but the only holder of it.
 */
final class HeaderDeadline extends AbstractLifeCycle implements Connection.Listener {
  private static final Logger log = LoggerFactory.getLogger(HeaderDeadline.class);

  private final String serverName;
  private final Duration timeout;
  private final Scheduler scheduler;
  private final CounterDataPoint closes;
  private final long sweepMillis;
  private final Map<HttpConnection, Wait> watched = new ConcurrentHashMap<>();
  private volatile Scheduler.Task next;

  HeaderDeadline(String serverName, Duration timeout, Scheduler scheduler, CounterDataPoint closes) {
    this.serverName = serverName;
    this.timeout = timeout;
    this.scheduler = scheduler;
    this.closes = closes;
    // the deadline holds to within a tenth of itself, at most a second late
    this.sweepMillis = Math.max(10, Math.min(1_000, timeout.toMillis() / 10));
  }

  @Override
  protected void doStart() {
    schedule();
  }

  @Override
  protected void doStop() {
    Scheduler.Task task = next;
    if (task != null) {
      task.cancel();
    }
    watched.clear();
  }

  @Override
  public void onOpened(Connection connection) {
    if (connection instanceof HttpConnection http) {
      watched.put(http, new Wait(timeout.toMillis(), http.getCreatedTimeStamp()));
    }
  }

  @Override
  public void onClosed(Connection connection) {
    watched.remove(connection);
  }

  private void schedule() {
    if (isRunning() || isStarting()) {
      next = scheduler.schedule(this::sweep, sweepMillis, TimeUnit.MILLISECONDS);
    }
  }

  private void sweep() {
    try {
      long now = System.currentTimeMillis();
      watched.forEach((connection, wait) -> {
        HttpParser parser = connection.getParser();
        boolean readingHeader = !parser.isStart() && parser.inHeaderState();
        if (wait.overdue(connection.getMessagesIn(), readingHeader, now)) {
          watched.remove(connection);
          closes.inc();
          log.debug("{}: closing {}, its request header took over {}", serverName, connection, timeout);
          connection.getEndPoint().close(new TimeoutException("request header not complete within " + timeout));
        }
      });
    } catch (RuntimeException e) {
      log.warn("{}: header deadline sweep failed; it runs again", serverName, e);
    } finally {
      schedule();
    }
  }

  /**
   * When the request header a connection is waiting for began. Touched by the sweeping thread only.
   */
  static final class Wait {
    private final long timeoutMillis;
    private final long openedAt;
    private long requests;
    private long since = -1;

    Wait(long timeoutMillis, long openedAt) {
      this.timeoutMillis = timeoutMillis;
      this.openedAt = openedAt;
    }

    /**
     * @param requests request headers the connection has completed so far
     * @param readingHeader whether part of a request header has arrived and the rest has not
     * @return whether the header awaited has taken longer than the timeout
     */
    boolean overdue(long requests, boolean readingHeader, long now) {
      if (requests == 0) {
        return now - openedAt >= timeoutMillis; // the first request counts from the opening
      }
      if (!readingHeader) {
        since = -1; // idle between requests, or in a request's body or response
      } else if (since < 0 || requests != this.requests) {
        since = now; // a new header began since the last look
      }
      this.requests = requests;
      return since >= 0 && now - since >= timeoutMillis;
    }
  }
}
