package io.parley.history;

import com.datastax.oss.driver.api.core.DriverException;
import io.parley.auth.Principal;
import io.parley.http.BearerTokens;
import io.parley.http.HttpError;
import io.parley.http.HttpJson;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One read-only JSON endpoint: GET only, a valid bearer token, errors as {@code {code, message}}.
 * Reads block on Cassandra, so this is a blocking handler; Cassandra (or the directory, for group
 * membership and whether a user exists) being unreachable is a 503.
 */
abstract class ApiHandler extends Handler.Abstract {
  private static final Logger log = LoggerFactory.getLogger(ApiHandler.class);
  private final String route;
  private final BearerTokens bearer;
  private final HistoryMetrics metrics;
  private final AtomicBoolean unavailableLogged = new AtomicBoolean();

  ApiHandler(String route, BearerTokens bearer, HistoryMetrics metrics) {
    this.route = route;
    this.bearer = bearer;
    this.metrics = metrics;
  }

  /**
   * Not bound to one server: the local stack mounts the same route on every gateway, and Jetty
   * otherwise refuses a started handler on a second server. These handlers hold no server state.
   */
  @Override
  public void setServer(Server server) {
    // deliberately shared
  }

  /** The response body for an authenticated GET. */
  abstract Object get(Principal caller, String path, Fields query) throws HttpError;

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    long started = System.nanoTime();
    int status = 200;
    try {
      if (!HttpMethod.GET.is(request.getMethod())) {
        response.getHeaders().put("Allow", "GET");
        throw new HttpError(405, "method_not_allowed", "only GET is supported here");
      }
      Principal caller = bearer.authenticate(request);
      // The full decoded path: inside a path mapping, the path "in context" is only what the spec left over.
      Object body = get(caller, request.getHttpURI().getDecodedPath(), Request.extractQueryParameters(request));
      HttpJson.write(response, callback, 200, body);
      unavailableLogged.set(false);
    } catch (HttpError e) {
      status = e.status();
      HttpJson.error(response, callback, e);
    } catch (DriverException e) {
      status = 503;
      if (unavailableLogged.compareAndSet(false, true)) {
        log.warn("{}: Cassandra cannot answer ({}); answering 503 until it can", route, e.toString());
      }
      HttpJson.error(response, callback, new HttpError(503, "unavailable", "history is unavailable; retry shortly", 5));
    } catch (DirectoryUnavailable e) {
      status = 503;
      if (unavailableLogged.compareAndSet(false, true)) {
        log.warn("{}: {} ({}); answering 503 until it can", route, e.getMessage(), String.valueOf(e.getCause()));
      }
      HttpJson.error(response, callback, new HttpError(503, "unavailable", "the directory is unavailable; retry shortly", 5));
    } catch (RuntimeException e) {
      status = 500;
      log.warn("{}: request failed", route, e);
      HttpJson.error(response, callback, new HttpError(500, "internal", "the request failed"));
    }
    metrics.observe(route, status, System.nanoTime() - started);
    return true;
  }

  /** An optional query parameter given at most once. */
  static String single(Fields query, String name) throws HttpError {
    Fields.Field field = query.get(name);
    if (field == null) {
      return null;
    }
    if (field.getValues().size() > 1) {
      throw HttpError.badRequest(name + " may be given once");
    }
    String value = field.getValue();
    return value == null || value.isEmpty() ? null : value;
  }

  /** {@code limit}: absent → the default; otherwise 1..max, else 400. */
  static int limit(Fields query, HistorySettings settings) throws HttpError {
    String value = single(query, "limit");
    if (value == null) {
      return settings.defaultLimit();
    }
    try {
      int limit = Integer.parseInt(value);
      if (limit >= 1 && limit <= settings.maxLimit()) {
        return limit;
      }
    } catch (NumberFormatException e) {
      // falls through to the error below
    }
    throw HttpError.badRequest("limit must be an integer from 1 to " + settings.maxLimit());
  }

  /** The {@code {segment}} of {@code /v1/<prefix>/{segment}/...}, URL-decoded by Jetty. */
  static String segment(String path, int index) throws HttpError {
    String[] parts = path.split("/", -1);
    if (parts.length <= index || parts[index].isEmpty()) {
      throw HttpError.notFound("no such resource");
    }
    return parts[index];
  }

  static HttpError historyDisabled() {
    return new HttpError(404, "history_disabled",
        "this server keeps no message history (history.mode=ephemeral): messages live on the devices only");
  }
}
