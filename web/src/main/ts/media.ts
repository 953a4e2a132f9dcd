// Media encryption exactly as the Java SDK's MediaCipher: a fresh key per file,
// iv (16) || AES-256-CTR(plaintext) || HMAC-SHA256(iv || ciphertext) (32), encrypt-then-MAC with
// independent keys; the key travels in the message as "v1." + base64url(aesKey || macKey).
// The asset id is the SHA-256 of those encrypted bytes.

const IV_BYTES = 16;
const MAC_BYTES = 32;
const KEY_BYTES = 32;
const VERSION = "v1.";

export class IntegrityError extends Error {}

export interface Encrypted {
  bytes: Uint8Array<ArrayBuffer>;
  key: string;
}

function subtle(): SubtleCrypto {
  if (!globalThis.crypto?.subtle) {
    throw new Error("WebCrypto needs a secure origin (https, or http on localhost / 127.0.0.1)");
  }
  return globalThis.crypto.subtle;
}

export function base64url(bytes: Uint8Array): string {
  let text = "";
  for (const b of bytes) text += String.fromCharCode(b);
  return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export function fromBase64url(text: string): Uint8Array<ArrayBuffer> {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new IntegrityError("the media key is not base64url");
  const padded = text.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((text.length + 3) % 4);
  const raw = atob(padded);
  const out = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
  return out;
}

export function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

export async function sha256Hex(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  return hex(new Uint8Array(await subtle().digest("SHA-256", bytes)));
}

async function keysOf(raw: Uint8Array<ArrayBuffer>): Promise<{ aes: CryptoKey; mac: CryptoKey }> {
  const aes = await subtle().importKey("raw", raw.slice(0, KEY_BYTES), { name: "AES-CTR" }, false, ["encrypt", "decrypt"]);
  const mac = await subtle().importKey("raw", raw.slice(KEY_BYTES), { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);
  return { aes, mac };
}

/** Encrypts under a fresh random key. The whole 16-byte IV is the counter block, as Java's AES/CTR. */
export async function encryptMedia(plain: Uint8Array<ArrayBuffer>): Promise<Encrypted> {
  const raw = crypto.getRandomValues(new Uint8Array(2 * KEY_BYTES));
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const { aes, mac } = await keysOf(raw);
  const ct = new Uint8Array(await subtle().encrypt({ name: "AES-CTR", counter: iv, length: 128 }, aes, plain));
  const out = new Uint8Array(IV_BYTES + ct.length + MAC_BYTES);
  out.set(iv, 0);
  out.set(ct, IV_BYTES);
  const tag = new Uint8Array(await subtle().sign("HMAC", mac, out.subarray(0, IV_BYTES + ct.length)));
  out.set(tag, IV_BYTES + ct.length);
  const key = VERSION + base64url(raw);
  raw.fill(0);
  return { bytes: out, key };
}

/** Verifies the MAC and only then decrypts. */
export async function decryptMedia(bytes: Uint8Array<ArrayBuffer>, key: string): Promise<Uint8Array<ArrayBuffer>> {
  if (!key.startsWith(VERSION)) throw new IntegrityError("unknown media key format");
  const raw = fromBase64url(key.slice(VERSION.length));
  if (raw.length !== 2 * KEY_BYTES) throw new IntegrityError("a media key holds 64 bytes");
  if (bytes.length < IV_BYTES + MAC_BYTES) throw new IntegrityError("too short to be encrypted media");
  const { aes, mac } = await keysOf(raw);
  const macAt = bytes.length - MAC_BYTES;
  const ok = await subtle().verify("HMAC", mac, bytes.slice(macAt), bytes.slice(0, macAt));
  if (!ok) throw new IntegrityError("the media does not verify under its key");
  const iv = bytes.slice(0, IV_BYTES);
  return new Uint8Array(await subtle().decrypt({ name: "AES-CTR", counter: iv, length: 128 }, aes, bytes.slice(IV_BYTES, macAt)));
}
