import { createCipheriv, createHash, createHmac, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { base64url, decryptMedia, encryptMedia, IntegrityError, sha256Hex } from "../../main/ts/media";

// The format is checked against node's own AES-256-CTR and HMAC-SHA256, written independently of
// the page's WebCrypto code: both sides must read each other's files, as the Java SDK does.
function nodeEncrypt(plain: Buffer): { bytes: Uint8Array<ArrayBuffer>; key: string } {
  const keys = randomBytes(64);
  const iv = randomBytes(16);
  const cipher = createCipheriv("aes-256-ctr", keys.subarray(0, 32), iv);
  const ct = Buffer.concat([cipher.update(plain), cipher.final()]);
  const tag = createHmac("sha256", keys.subarray(32)).update(iv).update(ct).digest();
  return { bytes: new Uint8Array(Buffer.concat([iv, ct, tag])), key: "v1." + keys.toString("base64url") };
}

function nodeDecrypt(bytes: Uint8Array, key: string): Buffer {
  const keys = Buffer.from(key.slice(3), "base64url");
  const b = Buffer.from(bytes);
  const tag = createHmac("sha256", keys.subarray(32)).update(b.subarray(0, b.length - 32)).digest();
  expect(tag.equals(b.subarray(b.length - 32))).toBe(true);
  const decipher = createCipheriv("aes-256-ctr", keys.subarray(0, 32), b.subarray(0, 16));
  return Buffer.concat([decipher.update(b.subarray(16, b.length - 32)), decipher.final()]);
}

describe("media", () => {
  // Longer than one AES block and not a multiple of it, so the counter must roll over the same way.
  const plain = Buffer.from(Array.from({ length: 70_003 }, (_, i) => (i * 31) % 256));

  it("shouldDecryptWhatAnIndependentImplementationEncrypted", async () => {
    const { bytes, key } = nodeEncrypt(plain);
    expect(Buffer.from(await decryptMedia(bytes, key)).equals(plain)).toBe(true);
  });

  it("shouldEncryptWhatAnIndependentImplementationDecrypts", async () => {
    const { bytes, key } = await encryptMedia(new Uint8Array(plain));
    expect(bytes.length).toBe(16 + plain.length + 32);
    expect(key).toMatch(/^v1\.[A-Za-z0-9_-]{86}$/);
    expect(nodeDecrypt(bytes, key).equals(plain)).toBe(true);
  });

  it("shouldRefuseATamperedFile", async () => {
    const { bytes, key } = await encryptMedia(new Uint8Array(plain));
    bytes[20] ^= 1;
    await expect(decryptMedia(bytes, key)).rejects.toBeInstanceOf(IntegrityError);
  });

  it("shouldRefuseAKeyOfAnotherFormat", async () => {
    const { bytes } = await encryptMedia(new Uint8Array(plain));
    await expect(decryptMedia(bytes, "v2." + base64url(new Uint8Array(64)))).rejects.toBeInstanceOf(IntegrityError);
  });

  it("shouldNameAnAssetByTheSha256OfItsBytes", async () => {
    const bytes = new Uint8Array(plain);
    expect(await sha256Hex(bytes)).toBe(createHash("sha256").update(plain).digest("hex"));
  });
});
