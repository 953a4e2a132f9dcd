package io.parley.gateway.web;

import org.eclipse.jetty.http.HttpFields;

/** The headers every answer of the page carries, besides its caching. */
final class SecurityHeaders {
  private SecurityHeaders() {}

  static void apply(HttpFields.Mutable headers, String csp) {
    headers.put("Content-Security-Policy", csp);
    headers.put("X-Content-Type-Options", "nosniff");
    headers.put("Referrer-Policy", "no-referrer");
    headers.put("X-Frame-Options", "DENY");
    headers.put("Cross-Origin-Opener-Policy", "same-origin");
    headers.put("Cross-Origin-Resource-Policy", "same-origin");
    headers.put("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=()");
  }
}
