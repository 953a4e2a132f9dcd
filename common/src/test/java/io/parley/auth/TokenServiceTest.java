package io.parley.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class TokenServiceTest {
  private static final byte[] SECRET = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);
  private static final Instant NOW = Instant.parse("2026-05-01T10:00:00Z");
  private final TokenService tokens = new TokenService(SECRET, Duration.ofHours(1), Clock.fixed(NOW, ZoneOffset.UTC));

  @Test
  void shouldVerifyWhatItIssued() throws Exception {
    Principal p = tokens.verify(tokens.issue("alice", "phone"));
    assertThat(p.user()).isEqualTo("alice");
    assertThat(p.device()).isEqualTo("phone");
    assertThat(p.expiresAt()).isEqualTo(NOW.plus(Duration.ofHours(1)));
  }

  @Test
  void shouldLetASocketTicketOpenASocketOnlyAndOnlyForAMinute() throws Exception {
    String ticket = tokens.issueSocketTicket("alice", "web");
    Principal p = tokens.verifyForSocket(ticket);
    assertThat(p.user()).isEqualTo("alice");
    assertThat(p.device()).isEqualTo("web");
    assertThat(p.expiresAt()).isEqualTo(NOW.plus(TokenService.SOCKET_TICKET_TTL));
    assertThatThrownBy(() -> tokens.verify(ticket)).isInstanceOf(InvalidTokenException.class).hasMessageContaining("socket");
    assertThat(tokens.verifyForSocket(tokens.issue("alice", "web")).user()).as("a session token opens a socket too").isEqualTo("alice");
    TokenService twoMinutesLater = new TokenService(SECRET, Duration.ofHours(1),
        Clock.fixed(NOW.plus(Duration.ofMinutes(2)), ZoneOffset.UTC));
    assertThatThrownBy(() -> twoMinutesLater.verifyForSocket(ticket)).isInstanceOf(InvalidTokenException.class)
        .hasMessageContaining("expired");
  }

  @Test
  void shouldRefuseAnExpiredToken() {
    String token = tokens.issue("alice", "phone");
    TokenService later = new TokenService(SECRET, Duration.ofHours(1), Clock.fixed(NOW.plus(Duration.ofHours(2)), ZoneOffset.UTC));
    assertThatThrownBy(() -> later.verify(token)).isInstanceOf(InvalidTokenException.class).hasMessageContaining("expired");
  }

  @Test
  void shouldRefuseATokenSignedWithAnotherSecret() {
    TokenService other = new TokenService("another-secret-another-secret-123".getBytes(StandardCharsets.UTF_8),
        Duration.ofHours(1), Clock.fixed(NOW, ZoneOffset.UTC));
    assertThatThrownBy(() -> tokens.verify(other.issue("alice", "phone"))).hasMessageContaining("signature");
  }

  @Test
  void shouldRefuseATamperedSubject() {
    String[] parts = tokens.issue("alice", "phone").split("\\.");
    String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8).replace("alice", "mallory");
    String forged = parts[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
    assertThatThrownBy(() -> tokens.verify(forged)).isInstanceOf(InvalidTokenException.class);
  }

  @Test
  void shouldRefuseUnsignedTokens() {
    String header = Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8));
    String body = Base64.getUrlEncoder().withoutPadding().encodeToString(
        "{\"sub\":\"alice\",\"dev\":\"phone\",\"iss\":\"parley\",\"exp\":9999999999}".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> tokens.verify(header + "." + body + ".")).isInstanceOf(InvalidTokenException.class);
  }

  @Test
  void shouldRefuseGarbageAndOversizedTokens() {
    assertThatThrownBy(() -> tokens.verify("not-a-jwt")).isInstanceOf(InvalidTokenException.class);
    assertThatThrownBy(() -> tokens.verify("")).isInstanceOf(InvalidTokenException.class);
    assertThatThrownBy(() -> tokens.verify(null)).isInstanceOf(InvalidTokenException.class);
    assertThatThrownBy(() -> tokens.verify("a".repeat(10_000))).hasMessageContaining("too long");
  }

  @Test
  void shouldRefuseAShortSecret() {
    assertThatThrownBy(() -> new TokenService(new byte[8], Duration.ofHours(1), Clock.systemUTC()))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
