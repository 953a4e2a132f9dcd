package io.parley.gateway.events;

import io.parley.schemas.AppEvent;
import java.util.Set;

/**
 * The app and user events a gateway records on the events topic: a connection opened or closed, and
 * the events a client may name in an {@code event} frame. docs/protocol.md lists the names.
 */
public final class AppEvents {
  public static final String CONNECTION_OPENED = "connection_opened";
  public static final String CONNECTION_CLOSED = "connection_closed";
  /** What a client may name in an {@code event} frame; anything else is refused. */
  public static final Set<String> CLIENT_NAMES = Set.of("app_foreground", "app_background");

  private final String source;

  /** @param gatewayId recorded as the source, {@code gateway-<id>} */
  public AppEvents(String gatewayId) {
    this.source = "gateway-" + gatewayId;
  }

  public AppEvent of(String user, String device, String name, String session, long at) {
    return new AppEvent(user, device, name, at, session, source);
  }
}
