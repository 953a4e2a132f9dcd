// Pure rules of the page: conversation ids, ticks, reconnect delays, error classes. No DOM, no I/O.

export type Status = "sending" | "sent" | "delivered" | "read" | "failed";

export interface Attachment {
  asset: string;
  mime: string;
  size: number;
  key?: string;
  name?: string;
}

export interface Receipts {
  delivered: string[];
  read: string[];
}

const USER_ID = /^[a-z0-9][a-z0-9._-]{1,31}$/;
const GROUP_ID = /^g[a-z0-9]{4,40}$/;

export function isUserId(id: string): boolean {
  return USER_ID.test(id);
}

export function isGroupId(id: string): boolean {
  return GROUP_ID.test(id);
}

/** `dm:<a>:<b>`, the two user ids sorted, as the protocol names a direct conversation. */
export function dmId(a: string, b: string): string {
  return a < b ? `dm:${a}:${b}` : `dm:${b}:${a}`;
}

export function groupConversation(group: string): string {
  return `group:${group}`;
}

/** Whom a conversation's messages go to: `{user}` for a direct one, `{group}` for a group. */
export function recipientOf(conversation: string, me: string): { user: string } | { group: string } {
  if (conversation.startsWith("group:")) {
    return { group: conversation.slice("group:".length) };
  }
  const [, a, b] = conversation.split(":");
  return { user: a === me ? b : a };
}

/** The other person of a direct conversation, or null for a group. */
export function peerOf(conversation: string, me: string): string | null {
  if (!conversation.startsWith("dm:")) {
    return null;
  }
  const [, a, b] = conversation.split(":");
  return a === me ? b : a;
}

/** Adds one receipt to what a message has had; a receipt seen twice changes nothing. */
export function withReceipt(receipts: Receipts, by: string, status: string): Receipts {
  const list = status === "read" ? receipts.read : receipts.delivered;
  if (list.includes(by) || (status !== "read" && status !== "delivered")) {
    return receipts;
  }
  return status === "read"
    ? { delivered: receipts.delivered, read: [...receipts.read, by] }
    : { delivered: [...receipts.delivered, by], read: receipts.read };
}

/**
 * The ticks of a message of mine. In a direct conversation any receipt counts. In a group
 * (`recipients` = the other members) a tick needs every member, as WhatsApp shows it; a receipt
 * `by` the group id is the server's verdict for the whole of a large group. A read counts as delivered.
 */
export function ticks(receipts: Receipts, recipients: number, group?: string): { status: Status; detail: string } {
  const read = new Set(receipts.read);
  const delivered = new Set([...receipts.delivered, ...receipts.read]);
  if (group === undefined || recipients <= 1) {
    if (read.size > 0) return { status: "read", detail: "" };
    if (delivered.size > 0) return { status: "delivered", detail: "" };
    return { status: "sent", detail: "" };
  }
  if (read.has(group) || read.size >= recipients) return { status: "read", detail: "" };
  const allDelivered = delivered.has(group) || delivered.size >= recipients;
  const status: Status = allDelivered ? "delivered" : "sent";
  const members = [...delivered].filter((m) => m !== group);
  if (read.size > 0) return { status, detail: `read by ${read.size} of ${recipients}` };
  if (!allDelivered && members.length > 0) return { status, detail: `delivered to ${members.length} of ${recipients}` };
  return { status, detail: "" };
}

/** Reconnect delay after `attempt` failures: exponential from 0.5 s, capped at 30 s, with jitter. */
export function backoff(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(30_000, 500 * 2 ** Math.min(attempt, 16));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/** Error codes after which resending the same message can never succeed. */
const PERMANENT = new Set(["bad_request", "too_large", "unknown_recipient", "not_member", "unknown_asset"]);

export function isPermanent(code: string): boolean {
  return PERMANENT.has(code);
}

/** A size as people read it. */
export function humanSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** Image types the page previews; anything else (SVG included) is offered as a download. */
export function isPreviewable(mime: string): boolean {
  return ["image/png", "image/jpeg", "image/gif", "image/webp"].includes(mime);
}

export function lastSeenText(online: boolean, lastSeen: number | null, now: number = Date.now()): string {
  if (online) return "online";
  if (lastSeen === null) return "last seen: never";
  const when = new Date(lastSeen);
  const sameDay = new Date(now).toDateString() === when.toDateString();
  const time = when.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  return sameDay ? `last seen today at ${time}` : `last seen ${when.toLocaleDateString()} at ${time}`;
}
