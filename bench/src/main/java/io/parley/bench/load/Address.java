package io.parley.bench.load;

/** Where a send goes: one user ({@code {"user": U}}) or one group ({@code {"group": G}}). */
public record Address(Kind kind, String id) {
  public enum Kind { USER, GROUP }

  public static Address user(String id) {
    return new Address(Kind.USER, id);
  }

  public static Address group(String id) {
    return new Address(Kind.GROUP, id);
  }
}
