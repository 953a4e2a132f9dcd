package io.parley.bench.idle;

import java.util.List;

/**
 * The forked gateway's memory with idle sockets open. Its heap is fixed and touched up front
 * ({@code -Xms = -Xmx}, {@code AlwaysPreTouch}), so growth of the resident set is memory outside the
 * heap (direct buffers, thread stacks, native); a socket's whole cost is heap + off-heap.
 *
 * @param gatewayJvm the forked gateway's JVM options
 * @param limit why a requested level could not be reached, or empty
 * @param heapBySocket the classes whose live instances grew most from rest to the largest level, per socket
 * @param bareJetty as many sockets held by a bare Jetty WebSocket server in the same JVM options, or
 *     null when no level was reached
 */
public record IdleResult(long heapBaseBytes, long rssBaseBytes, List<Level> levels, List<String> gatewayJvm, String limit,
    List<ClassHistogram.Growth> heapBySocket, Level bareJetty) {

  /**
   * @param requested the level asked for
   * @param connections sockets open when measured (0: not reached)
   */
  public record Level(int requested, int connections, long heapBytes, long rssBytes, long heapBaseBytes, long rssBaseBytes) {
    public boolean reached() {
      return connections > 0;
    }

    public double heapPerSocket() {
      return (heapBytes - heapBaseBytes) / (double) connections;
    }

    /** Off-heap growth per socket; never below zero (the resident set can shrink a little after a GC). */
    public double offHeapPerSocket() {
      return Math.max(0, rssBytes - rssBaseBytes) / (double) connections;
    }

    public double totalPerSocket() {
      return heapPerSocket() + offHeapPerSocket();
    }
  }

  /** The measured level with the most sockets, if any. */
  public Level largest() {
    return levels.stream().filter(Level::reached).reduce((a, b) -> b.connections() >= a.connections() ? b : a).orElse(null);
  }
}
