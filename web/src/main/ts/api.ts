// The HTTP API on the page's own origin. The token goes in the Authorization header, never in a URL.
import type { Attachment } from "./model";

export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

export interface Session {
  token: string;
  user: string;
  device: string;
}

export interface GroupMember {
  user: string;
  role: string;
}

export interface Group {
  id: string;
  name: string;
  members: GroupMember[];
}

export interface HistoryMessage {
  id: string;
  from: string;
  conversation: string;
  body: string;
  at: number;
  attachments?: Attachment[];
}

export interface ChatLine {
  conversation: string;
  lastMessage: { id: string; from: string; preview: string; at: number } | null;
}

async function call<T>(method: string, path: string, token: string | null, body?: unknown): Promise<T> {
  const headers: Record<string, string> = {};
  if (token) headers["Authorization"] = `Bearer ${token}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let response: Response;
  try {
    response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: "no-store" });
  } catch {
    throw new ApiError(0, "offline", "the server cannot be reached");
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  const json = text.startsWith("{") ? JSON.parse(text) : null;
  if (!response.ok) {
    throw new ApiError(response.status, json?.code ?? `http_${response.status}`, json?.message ?? response.statusText);
  }
  return json as T;
}

const enc = encodeURIComponent;

export const api = {
  signUp: (username: string, password: string) =>
    call<unknown>("POST", "/v1/users", null, { username, password, displayName: username }),
  signIn: (username: string, password: string, device: string) =>
    call<{ token: string; user: { id: string } }>("POST", "/v1/sessions", null, { username, password, device }),
  signOut: (token: string) => call<void>("DELETE", "/v1/sessions/current", token),
  socketTicket: (token: string) =>
    call<{ ticket: string; expiresIn: number }>("POST", "/v1/sessions/current/socket-ticket", token),
  user: (token: string, id: string) => call<{ id: string; displayName: string }>("GET", `/v1/users/${enc(id)}`, token),
  conversations: (token: string) => call<{ conversations: ChatLine[] }>("GET", "/v1/users/me/conversations?limit=100", token),
  messages: (token: string, conversation: string, before: string | null, limit = 30) =>
    call<{ messages: HistoryMessage[]; next: string | null }>("GET",
      `/v1/conversations/${enc(conversation)}/messages?limit=${limit}` + (before ? `&before=${enc(before)}` : ""), token),
  presence: (token: string, user: string) =>
    call<{ online: boolean; lastSeen: number | null }>("GET", `/v1/users/${enc(user)}/presence`, token),
  myGroups: (token: string) => call<{ groups: Group[] }>("GET", "/v1/users/me/groups", token),
  group: (token: string, id: string) => call<Group>("GET", `/v1/groups/${enc(id)}`, token),
  createGroup: (token: string, name: string, members: string[]) => call<Group>("POST", "/v1/groups", token, { name, members }),
  addMember: (token: string, group: string, user: string) => call<Group>("POST", `/v1/groups/${enc(group)}/members`, token, { user }),
  removeMember: (token: string, group: string, user: string) =>
    call<Group | { deleted: true }>("DELETE", `/v1/groups/${enc(group)}/members/${enc(user)}`, token),
};

/** HEAD, then PUT only if these bytes are not stored yet. */
export async function uploadAsset(token: string, asset: string, bytes: Uint8Array<ArrayBuffer>): Promise<boolean> {
  const auth = { Authorization: `Bearer ${token}` };
  const head = await fetch(`/v1/assets/${asset}`, { method: "HEAD", headers: auth, cache: "no-store" });
  if (head.status === 200) return false;
  if (head.status !== 404) throw new ApiError(head.status, `http_${head.status}`, "the asset service refused the check");
  const put = await fetch(`/v1/assets/${asset}`, {
    method: "PUT", headers: { ...auth, "Content-Type": "application/octet-stream" }, body: bytes,
  });
  if (put.status !== 201 && put.status !== 200) {
    const json = await put.json().catch(() => null);
    throw new ApiError(put.status, json?.code ?? `http_${put.status}`, json?.message ?? "upload refused");
  }
  return true;
}

/**
 * The asset's bytes. The gateway answers with a redirect to a short-lived signed URL on the object
 * store; the browser follows it and drops the Authorization header on the way (the fetch standard
 * does for a cross-origin redirect), so the store sees only its own signature.
 */
export async function downloadAsset(token: string, asset: string): Promise<Uint8Array<ArrayBuffer>> {
  const response = await fetch(`/v1/assets/${asset}`, {
    headers: { Authorization: `Bearer ${token}` }, credentials: "omit", cache: "no-store",
  });
  if (!response.ok) throw new ApiError(response.status, `http_${response.status}`, "the download failed");
  return new Uint8Array(await response.arrayBuffer());
}
