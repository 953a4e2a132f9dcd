package io.parley.auth;

import java.time.Instant;

/** Who a verified token speaks for: one user on one device. */
public record Principal(String user, String device, Instant expiresAt) {}
