package io.parley.client.media;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Device-side media encryption, as WhatsApp does it: every file gets its own random key, so the
 * server stores and hashes only ciphertext, and equal photos sent by two people are two unrelated
 * assets. Forwarding reuses the attachment (asset and key), so a forwarded file is uploaded once.
 *
 * <p>Format: {@code iv (16) || AES-256-CTR(plaintext) || HMAC-SHA256(iv || ciphertext) (32)},
 * encrypt-then-MAC with independent keys. The key travels in the message as
 * {@code "v1." + base64url(aesKey || macKey)}. Files are processed in a stream, never whole in memory.
 */
public final class MediaCipher {
  static final String VERSION = "v1.";
  private static final int IV_BYTES = 16;
  private static final int MAC_BYTES = 32;
  private static final int KEY_BYTES = 32;
  private static final SecureRandom RANDOM = new SecureRandom();

  private MediaCipher() {}

  /** A file whose MAC does not verify: corrupted or tampered with, or the wrong key. */
  public static final class IntegrityException extends IOException {
    IntegrityException(String message) {
      super(message);
    }
  }

  /** Encrypts {@code plain} into {@code encrypted} under a fresh key, and returns that key. */
  public static String encrypt(Path plain, Path encrypted) throws IOException {
    byte[] keys = new byte[2 * KEY_BYTES];
    byte[] iv = new byte[IV_BYTES];
    RANDOM.nextBytes(keys);
    RANDOM.nextBytes(iv);
    try {
      Cipher aes = cipher(Cipher.ENCRYPT_MODE, keys, iv);
      Mac mac = mac(keys);
      try (InputStream in = Files.newInputStream(plain); OutputStream out = Files.newOutputStream(encrypted)) {
        out.write(iv);
        mac.update(iv);
        byte[] buffer = new byte[64 * 1024];
        int n;
        while ((n = in.read(buffer)) > 0) {
          byte[] ct = aes.update(buffer, 0, n);
          if (ct != null) {
            mac.update(ct);
            out.write(ct);
          }
        }
        byte[] last = aes.doFinal();
        mac.update(last);
        out.write(last);
        out.write(mac.doFinal());
      }
      return VERSION + Base64.getUrlEncoder().withoutPadding().encodeToString(keys);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-CTR and HMAC-SHA256 are in every Java", e);
    } finally {
      Arrays.fill(keys, (byte) 0);
    }
  }

  /** Verifies {@code encrypted} and only then decrypts it into {@code plain}. */
  public static void decrypt(Path encrypted, String key, Path plain) throws IOException {
    byte[] keys = decodeKey(key);
    try (FileChannel file = FileChannel.open(encrypted, StandardOpenOption.READ)) {
      long size = file.size();
      if (size < IV_BYTES + MAC_BYTES) {
        throw new IntegrityException("too short to be encrypted media");
      }
      long macAt = size - MAC_BYTES;
      Mac mac = mac(keys);
      stream(file, 0, macAt, mac::update);
      ByteBuffer expected = ByteBuffer.allocate(MAC_BYTES);
      file.read(expected, macAt);
      if (!MessageDigest.isEqual(mac.doFinal(), expected.array())) {
        throw new IntegrityException("the media does not verify under its key");
      }
      ByteBuffer iv = ByteBuffer.allocate(IV_BYTES);
      file.read(iv, 0);
      Cipher aes = cipher(Cipher.DECRYPT_MODE, keys, iv.array());
      try (OutputStream out = Files.newOutputStream(plain)) {
        stream(file, IV_BYTES, macAt, chunk -> {
          byte[] pt = aes.update(chunk);
          if (pt != null) {
            out.write(pt);
          }
        });
        out.write(aes.doFinal());
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-CTR and HMAC-SHA256 are in every Java", e);
    } finally {
      Arrays.fill(keys, (byte) 0);
    }
  }

  private interface Chunks {
    void accept(byte[] chunk) throws IOException;
  }

  private static void stream(FileChannel file, long from, long to, Chunks sink) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
    long position = from;
    while (position < to) {
      buffer.clear().limit((int) Math.min(buffer.capacity(), to - position));
      int n = file.read(buffer, position);
      if (n < 0) {
        throw new IOException("the file shrank while being read");
      }
      position += n;
      sink.accept(Arrays.copyOf(buffer.array(), n));
    }
  }

  static byte[] decodeKey(String key) throws IntegrityException {
    if (key == null || !key.startsWith(VERSION)) {
      throw new IntegrityException("unknown media key format");
    }
    try {
      byte[] keys = Base64.getUrlDecoder().decode(key.substring(VERSION.length()));
      if (keys.length != 2 * KEY_BYTES) {
        throw new IntegrityException("a media key holds 64 bytes");
      }
      return keys;
    } catch (IllegalArgumentException e) {
      throw new IntegrityException("the media key is not base64url");
    }
  }

  private static Cipher cipher(int mode, byte[] keys, byte[] iv) throws GeneralSecurityException {
    Cipher aes = Cipher.getInstance("AES/CTR/NoPadding");
    aes.init(mode, new SecretKeySpec(keys, 0, KEY_BYTES, "AES"), new IvParameterSpec(iv));
    return aes;
  }

  private static Mac mac(byte[] keys) throws GeneralSecurityException {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(keys, KEY_BYTES, KEY_BYTES, "HmacSHA256"));
    return mac;
  }
}
