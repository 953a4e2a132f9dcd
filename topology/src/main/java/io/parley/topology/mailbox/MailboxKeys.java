package io.parley.topology.mailbox;

/**
 * Store keys. RocksDB orders keys by bytes, so numbers are zero-padded to 19 digits and parts are
 * joined with '|', which no user, device or gateway id may contain: a range scan over one user's
 * seqs, or over one gateway's sessions, is then a contiguous key range.
 */
final class MailboxKeys {
  static final char SEP = '|';

  private MailboxKeys() {}

  static String pad(long n) {
    return String.format("%019d", n);
  }

  static String seq(String user, long seq) {
    return user + SEP + pad(seq);
  }

  static long seqOf(String seqKey) {
    return Long.parseLong(seqKey.substring(seqKey.lastIndexOf(SEP) + 1));
  }

  static String dedupe(String user, String sender, String messageId) {
    return user + SEP + sender + SEP + messageId;
  }

  /** Expiry index: the time first, so one range scan finds everything due. */
  static String expiry(long dueAt, ExpiryKind kind, String storeKey) {
    return pad(dueAt) + SEP + kind.code + SEP + storeKey;
  }

  static String expiryUpTo(long now) {
    return pad(now) + SEP + '~';
  }

  static String session(String gateway, long incarnation, String user, String device) {
    return gateway + SEP + pad(incarnation) + SEP + user + SEP + device;
  }

  static String sessionsFrom(String gateway) {
    return gateway + SEP;
  }

  /** Last possible key of sessions of {@code gateway} with incarnation up to {@code incarnation}. */
  static String sessionsThrough(String gateway, long incarnation) {
    return gateway + SEP + pad(incarnation) + SEP + '~';
  }

  /** Last possible dedupe key of {@code user}. */
  static String dedupeEnd(String user) {
    return user + SEP + '~';
  }

  /**
   * What an expiry key books: a sweep of one user's inbox and refs, or of its dedupe keys (the key
   * names the user); or, booked by mailboxes older than the sweeps, the removal of one entry.
   */
  enum ExpiryKind {
    INBOX('i'), DEDUPE('d'), INBOX_SWEEP('s'), DEDUPE_SWEEP('t');

    final char code;

    ExpiryKind(char code) {
      this.code = code;
    }

    static ExpiryKind of(char c) {
      for (ExpiryKind k : values()) {
        if (k.code == c) {
          return k;
        }
      }
      throw new IllegalArgumentException("unknown expiry kind " + c);
    }
  }
}
