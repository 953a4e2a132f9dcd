package io.parley.sinks.connect;

/** The version Parley's connectors report to the Connect worker. */
final class Version {
  private Version() {}

  static String get() {
    String version = Version.class.getPackage().getImplementationVersion();
    return version != null ? version : "0.1.0-SNAPSHOT";
  }
}
