package io.parley.directory.users;

import org.springframework.security.crypto.argon2.Argon2PasswordEncoder;

/**
 * Password hashing with Argon2id at OWASP's recommended minimum (19 MiB, 2 iterations, 1 lane).
 * Unknown users are checked against a dummy hash so a sign-in takes as long whether or not the
 * user exists.
 */
public final class Passwords {
  private final Argon2PasswordEncoder encoder;
  private final String dummy;

  public Passwords() {
    this(19 * 1024, 2);
  }

  /** Cheaper parameters are for tests that create many users; production uses the default. */
  public Passwords(int memoryKib, int iterations) {
    this.encoder = new Argon2PasswordEncoder(16, 32, 1, memoryKib, iterations);
    this.dummy = encoder.encode("not a password of anyone");
  }

  public String hash(String password) {
    return encoder.encode(password);
  }

  public boolean matches(String password, String hash) {
    return encoder.matches(password, hash == null ? dummy : hash);
  }
}
