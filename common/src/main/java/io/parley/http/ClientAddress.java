package io.parley.http;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;

/**
 * The address a request's client has: the connection's peer, or, on a server that only its own load
 * balancer reaches, the address that balancer put last in {@code X-Forwarded-For} (HAProxy's
 * {@code option forwardfor} appends the peer it saw; entries before it are the client's own word and
 * are never used). Per-address limits (sign-ups, sign-in attempts) count by it: behind a balancer
 * every connection's peer is the balancer, and they would count all clients as one.
 */
public final class ClientAddress {
  private ClientAddress() {}

  /** @param behindProxy whether every request comes through a proxy that appends {@code X-Forwarded-For} */
  public static String of(Request request, boolean behindProxy) {
    if (behindProxy) {
      String forwarded = lastForwardedFor(request);
      if (forwarded != null) {
        return forwarded;
      }
    }
    return Request.getRemoteAddr(request);
  }

  private static String lastForwardedFor(Request request) {
    String last = null;
    for (String header : request.getHeaders().getValuesList(HttpHeader.X_FORWARDED_FOR)) {
      for (String entry : header.split(",")) {
        String trimmed = entry.trim();
        if (!trimmed.isEmpty()) {
          last = trimmed;
        }
      }
    }
    return last;
  }
}
