package io.parley.bench.stack;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The settings the benchmark changes from Parley's defaults, and why. Everything else runs as
 * shipped; {@code --set key=value} overrides any of these or any other Parley setting.
 */
public final class BenchSettings {
  private BenchSettings() {}

  /** Applied to every Parley instance the benchmark starts. */
  public static Map<String, String> defaults() {
    Map<String, String> s = new LinkedHashMap<>();
    // A few hundred sockets stand in for a crowd: each sends far more than one person's 30/s limit.
    s.put("gateway.sends.per.second", "100000");
    s.put("gateway.frames.per.second", "100000");
    // ...and all of them come from this machine's one address, over the per-address connection limit.
    s.put("http.max.connections.per.address", "0");
    return s;
  }

  /** Applied to the forked gateway of the idle-connection scenario. */
  public static Map<String, String> idleGateway() {
    Map<String, String> s = new LinkedHashMap<>();
    // Idle sockets are the point: the default 2-minute idle timeout would close them mid-measurement.
    s.put("gateway.idle.timeout", "30m");
    return s;
  }
}
