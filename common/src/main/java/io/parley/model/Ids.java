package io.parley.model;

import java.util.regex.Pattern;

/** The shapes of Parley's identifiers, checked at every edge before they reach Kafka. */
public final class Ids {
  /** User ids are lower-case handles: they appear in conversation ids and topic keys. */
  public static final Pattern USER = Pattern.compile("[a-z0-9][a-z0-9._-]{1,31}");
  public static final Pattern DEVICE = Pattern.compile("[A-Za-z0-9._-]{1,64}");
  public static final Pattern GROUP = Pattern.compile("g[a-z0-9]{4,40}");
  /** Client message ids: UUIDs in the protocol; any short opaque token is tolerated. */
  public static final Pattern MESSAGE = Pattern.compile("[A-Za-z0-9._:-]{1,64}");

  private Ids() {}

  public static boolean isUser(String s) {
    return s != null && USER.matcher(s).matches();
  }

  public static boolean isDevice(String s) {
    return s != null && DEVICE.matcher(s).matches();
  }

  public static boolean isGroup(String s) {
    return s != null && GROUP.matcher(s).matches();
  }

  public static boolean isMessage(String s) {
    return s != null && MESSAGE.matcher(s).matches();
  }
}
