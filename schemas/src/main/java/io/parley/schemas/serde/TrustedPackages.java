package io.parley.schemas.serde;

import org.apache.avro.util.ClassSecurityValidator;
import org.apache.avro.util.ClassSecurityValidator.ClassSecurityPredicate;

/** Avro refuses to instantiate classes outside a trusted set; Parley's generated records must be in it. */
final class TrustedPackages {
  private static final String PARLEY = "io.parley.";
  private static volatile boolean installed;

  private TrustedPackages() {}

  static synchronized void install() {
    if (installed) {
      return;
    }
    ClassSecurityPredicate previous = ClassSecurityValidator.getGlobal();
    ClassSecurityValidator.setGlobal(type -> type.getName().startsWith(PARLEY) || previous.isTrusted(type));
    installed = true;
  }
}
