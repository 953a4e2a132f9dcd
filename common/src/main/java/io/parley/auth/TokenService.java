package io.parley.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.parley.model.Ids;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;

/**
 * Issues and verifies Parley access tokens: HS256 JWTs whose subject is the user and whose
 * {@code dev} claim is the device. Every gateway and service that shares the secret can verify a
 * token on its own, with no call to the directory.
 */
public final class TokenService {
  public static final String ISSUER = "parley";
  static final String DEVICE_CLAIM = "dev";
  /** Present only on socket tickets: what the token may be used for. */
  static final String USE_CLAIM = "use";
  static final String SOCKET_USE = "socket";
  /** How long a socket ticket is good for: long enough to open a WebSocket, short for a URL. */
  public static final Duration SOCKET_TICKET_TTL = Duration.ofSeconds(60);
  private static final Duration CLOCK_SKEW = Duration.ofSeconds(30);
  /** JWTs arrive in headers and URLs; anything longer is not one of ours. */
  private static final int MAX_TOKEN_LENGTH = 4096;

  private final MACSigner signer;
  private final MACVerifier verifier;
  private final Duration ttl;
  private final Clock clock;

  public TokenService(byte[] secret, Duration ttl, Clock clock) {
    if (secret.length < 32) {
      throw new IllegalArgumentException("the token secret must be at least 32 bytes (256 bits)");
    }
    try {
      this.signer = new MACSigner(secret);
      this.verifier = new MACVerifier(secret);
    } catch (JOSEException e) {
      throw new IllegalArgumentException("unusable token secret: " + e.getMessage(), e);
    }
    this.ttl = ttl;
    this.clock = clock;
  }

  public static TokenService fromSecret(String secret, Duration ttl) {
    return new TokenService(secret.getBytes(StandardCharsets.UTF_8), ttl, Clock.systemUTC());
  }

  public String issue(String user, String device) {
    return issue(user, device, ttl, null);
  }

  /**
   * A ticket that opens a WebSocket for this user and device and is refused everywhere else, valid
   * for {@link #SOCKET_TICKET_TTL}: what a browser puts in the socket's URL instead of its session
   * token, which a URL would expose to histories and logs.
   */
  public String issueSocketTicket(String user, String device) {
    return issue(user, device, SOCKET_TICKET_TTL, SOCKET_USE);
  }

  private String issue(String user, String device, Duration lifetime, String use) {
    if (!Ids.isUser(user) || !Ids.isDevice(device)) {
      throw new IllegalArgumentException("tokens name a valid user and device");
    }
    Instant now = clock.instant();
    JWTClaimsSet.Builder builder = new JWTClaimsSet.Builder()
        .issuer(ISSUER)
        .subject(user)
        .claim(DEVICE_CLAIM, device)
        .issueTime(Date.from(now))
        .expirationTime(Date.from(now.plus(lifetime)))
        .jwtID(UUID.randomUUID().toString());
    if (use != null) {
      builder.claim(USE_CLAIM, use);
    }
    JWTClaimsSet claims = builder.build();
    SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
    try {
      jwt.sign(signer);
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot sign a token", e);
    }
    return jwt.serialize();
  }

  /** A session token (from sign-in): what every HTTP endpoint takes. Socket tickets are refused. */
  public Principal verify(String token) throws InvalidTokenException {
    return verify(token, false);
  }

  /** A session token or a socket ticket: what the WebSocket upgrade takes. */
  public Principal verifyForSocket(String token) throws InvalidTokenException {
    return verify(token, true);
  }

  private Principal verify(String token, boolean socket) throws InvalidTokenException {
    if (token == null || token.isBlank()) {
      throw new InvalidTokenException("no token");
    }
    if (token.length() > MAX_TOKEN_LENGTH) {
      throw new InvalidTokenException("token too long");
    }
    SignedJWT jwt;
    JWTClaimsSet claims;
    try {
      jwt = SignedJWT.parse(token);
      claims = jwt.getJWTClaimsSet();
    } catch (ParseException e) {
      throw new InvalidTokenException("malformed token", e);
    }
    // Only HS256 is ours; refusing anything else closes the door on algorithm-confusion tricks.
    if (!JWSAlgorithm.HS256.equals(jwt.getHeader().getAlgorithm())) {
      throw new InvalidTokenException("unexpected token algorithm");
    }
    try {
      if (!jwt.verify(verifier)) {
        throw new InvalidTokenException("bad token signature");
      }
    } catch (JOSEException e) {
      throw new InvalidTokenException("cannot verify token", e);
    }
    Instant now = clock.instant();
    Date exp = claims.getExpirationTime();
    if (exp == null || exp.toInstant().plus(CLOCK_SKEW).isBefore(now)) {
      throw new InvalidTokenException("token expired");
    }
    if (!ISSUER.equals(claims.getIssuer())) {
      throw new InvalidTokenException("token from another issuer");
    }
    String user = claims.getSubject();
    Object device = claims.getClaim(DEVICE_CLAIM);
    if (!Ids.isUser(user) || !(device instanceof String d) || !Ids.isDevice(d)) {
      throw new InvalidTokenException("token names no valid user and device");
    }
    Object use = claims.getClaim(USE_CLAIM);
    if (use != null && !(socket && SOCKET_USE.equals(use))) {
      throw new InvalidTokenException("a socket ticket opens a WebSocket and nothing else");
    }
    return new Principal(user, d, exp.toInstant());
  }
}
