package io.parley.http;

import io.parley.auth.InvalidTokenException;
import io.parley.auth.Principal;
import io.parley.auth.TokenService;
import java.util.Locale;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.Fields;

/**
 * Finds and verifies the caller's token: {@code Authorization: Bearer <token>}, or
 * {@code ?access_token=<token>} for browsers, which cannot set headers on a WebSocket.
 */
public final class BearerTokens {
  private final TokenService tokens;

  public BearerTokens(TokenService tokens) {
    this.tokens = tokens;
  }

  /** The caller of an HTTP endpoint: a session token only. */
  public Principal authenticate(Request request) throws HttpError {
    return authenticate(request, false);
  }

  /** The caller opening a WebSocket: a session token or a socket ticket. */
  public Principal authenticateSocket(Request request) throws HttpError {
    return authenticate(request, true);
  }

  private Principal authenticate(Request request, boolean socket) throws HttpError {
    String token = tokenOf(request);
    if (token == null) {
      throw HttpError.unauthorized("a bearer token is required");
    }
    try {
      return socket ? tokens.verifyForSocket(token) : tokens.verify(token);
    } catch (InvalidTokenException e) {
      throw HttpError.unauthorized("invalid token: " + e.getMessage());
    }
  }

  /** A socket ticket for the caller's own device ({@link TokenService#issueSocketTicket}). */
  public String socketTicket(Principal caller) {
    return tokens.issueSocketTicket(caller.user(), caller.device());
  }

  static String tokenOf(Request request) {
    String header = request.getHeaders().get(HttpHeader.AUTHORIZATION);
    if (header != null) {
      String h = header.strip();
      return h.toLowerCase(Locale.ROOT).startsWith("bearer ") ? h.substring(7).strip() : null;
    }
    Fields query = Request.extractQueryParameters(request);
    Fields.Field field = query.get("access_token");
    return field == null ? null : field.getValue();
  }
}
