package io.parley.http;

import java.util.Map;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** A handler that answers every request alike: a standalone service's health check, or its catch-all 404. */
public final class FixedReply extends Handler.Abstract.NonBlocking {
  private final HttpError error;

  private FixedReply(HttpError error) {
    this.error = error;
  }

  /** {@code 200 {"status": "ok"}}: the process is up and serving. */
  public static FixedReply healthy() {
    return new FixedReply(null);
  }

  /** {@code 404 not_found} in the API's error shape, for paths the service does not serve. */
  public static FixedReply notFound() {
    return new FixedReply(HttpError.notFound("no such endpoint"));
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    if (error == null) {
      HttpJson.write(response, callback, 200, Map.of("status", "ok"));
    } else {
      HttpJson.error(response, callback, error);
    }
    return true;
  }
}
