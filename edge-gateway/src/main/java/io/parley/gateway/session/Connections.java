package io.parley.gateway.session;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** The sockets open on this gateway, one per (user, device), and the bytes queued to all of them. */
public final class Connections {
  private final ConcurrentHashMap<String, ClientSocket> byDevice = new ConcurrentHashMap<>();
  private final AtomicLong queuedBytes = new AtomicLong();

  private static String key(String user, String device) {
    return user + '|' + device;
  }

  /** Registers a socket; returns the one it replaces (the same device connecting again), if any. */
  ClientSocket register(ClientSocket socket) {
    return byDevice.put(key(socket.user(), socket.device()), socket);
  }

  void unregister(ClientSocket socket) {
    byDevice.remove(key(socket.user(), socket.device()), socket);
  }

  public ClientSocket get(String user, String device) {
    return byDevice.get(key(user, device));
  }

  public Collection<ClientSocket> all() {
    return List.copyOf(byDevice.values());
  }

  public int size() {
    return byDevice.size();
  }

  AtomicLong queuedBytesCounter() {
    return queuedBytes;
  }

  /** Bytes written to sockets and not yet taken by their clients. */
  public long queuedBytes() {
    return queuedBytes.get();
  }
}
