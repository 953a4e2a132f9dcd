// The device's one WebSocket, shared by every tab of this browser. The protocol allows one socket
// per device (a second replaces the first with 4001), so the tabs elect a leader with a Web Lock:
// the leader holds the socket, sends the outbox, acks, and passes every server frame to the other
// tabs over a BroadcastChannel; the others hand it the frames they want sent.
import { api, ApiError } from "./api";
import type { Session } from "./api";
import { backoff, isPermanent } from "./model";
import type { Store } from "./store";

export type LinkState = "connecting" | "online" | "offline" | "replaced";

export interface ServerFrame {
  type: string;
  [field: string]: unknown;
}

type TabMessage =
  | { kind: "frame"; frame: ServerFrame }
  | { kind: "state"; state: LinkState }
  | { kind: "send"; frame: object }
  | { kind: "outbox" }
  | { kind: "hello" };

const HEARTBEAT_MS = 5_000;
const SYNC_MS = 60_000;
/** A send without `sent` by then goes out again (same id, so never delivered twice). */
const RESEND_MS = 10_000;

export class Link {
  private readonly channel: BroadcastChannel;
  private socket: WebSocket | null = null;
  private leader = false;
  private attempt = 0;
  private state: LinkState = "connecting";
  private timers: number[] = [];
  private retry: number | undefined;
  /** A ticket is being fetched for the next socket: one at a time. */
  private opening = false;
  private inFlight = new Map<string, number>();
  private stopped = false;
  private releaseLock: (() => void) | undefined;

  constructor(
    private readonly session: Session,
    private readonly store: Store,
    private readonly onFrame: (frame: ServerFrame) => Promise<void> | void,
    private readonly onState: (state: LinkState) => void,
    private readonly onUnauthorized: () => void,
    private readonly onOutbox: () => void,
  ) {
    this.channel = new BroadcastChannel(`parley:${session.user}:${session.device}`);
    this.channel.onmessage = (e: MessageEvent<TabMessage>) => this.fromTab(e.data);
  }

  start(): void {
    this.onState(this.state);
    this.channel.postMessage({ kind: "hello" } satisfies TabMessage);
    navigator.locks.request(`parley-socket:${this.session.user}:${this.session.device}`, () =>
      new Promise<void>((release) => {
        this.releaseLock = release;
        if (this.stopped) return release();
        this.leader = true;
        window.addEventListener("online", this.wake);
        window.addEventListener("offline", this.drop);
        this.timers.push(window.setInterval(() => this.send({ type: "heartbeat" }), HEARTBEAT_MS));
        this.timers.push(window.setInterval(() => this.send({ type: "sync", after: 0 }), SYNC_MS));
        this.timers.push(window.setInterval(() => void this.flush(), RESEND_MS / 2));
        this.connect();
      }));
  }

  /** Whether this tab holds the socket (and so keeps what the frames say). */
  isLeader(): boolean {
    return this.leader;
  }

  /** Sends a client frame now if this tab's socket (or the leader's) is open; dropped otherwise. */
  send(frame: object): void {
    if (this.leader) {
      this.observeOutgoing(frame);
      if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(frame));
    } else {
      this.channel.postMessage({ kind: "send", frame } satisfies TabMessage);
    }
  }

  /** The outbox has a new entry: the leader sends it. */
  outboxChanged(): void {
    if (this.leader) void this.flush();
    else this.channel.postMessage({ kind: "outbox" } satisfies TabMessage);
  }

  stop(): void {
    this.stopped = true;
    this.timers.forEach((t) => clearInterval(t));
    clearTimeout(this.retry);
    window.removeEventListener("online", this.wake);
    window.removeEventListener("offline", this.drop);
    this.socket?.close(1000);
    this.channel.close();
    this.releaseLock?.();
  }

  private fromTab(message: TabMessage): void {
    switch (message.kind) {
      case "frame":
        void this.onFrame(message.frame);
        break;
      case "state":
        this.setState(message.state);
        break;
      case "hello":
        if (this.leader) this.channel.postMessage({ kind: "state", state: this.state } satisfies TabMessage);
        break;
      case "send":
        if (this.leader) this.send(message.frame);
        break;
      case "outbox":
        this.onOutbox(); // another tab wrote a message: show it here too
        if (this.leader) void this.flush();
        break;
    }
  }

  private setState(state: LinkState): void {
    this.state = state;
    this.onState(state);
    if (this.leader) this.channel.postMessage({ kind: "state", state } satisfies TabMessage);
  }

  private readonly wake = (): void => {
    if (this.socket === null && !this.stopped && this.state !== "replaced") {
      clearTimeout(this.retry);
      this.attempt = 0;
      this.connect();
    }
  };

  private readonly drop = (): void => {
    this.socket?.close(1000, "offline");
  };

  private connect(): void {
    if (this.stopped || this.opening || this.socket) return;
    this.setState("connecting");
    this.opening = true;
    void this.open().finally(() => {
      this.opening = false;
    });
  }

  private async open(): Promise<void> {
    let ticket: string;
    try {
      ticket = (await api.socketTicket(this.session.token)).ticket;
    } catch (e) {
      if (this.stopped) return;
      if (e instanceof ApiError && e.status === 401) {
        this.stop();
        this.onUnauthorized();
        return;
      }
      this.setState(navigator.onLine ? "connecting" : "offline");
      if (!navigator.onLine) return; // the "online" event reconnects
      this.retry = window.setTimeout(() => this.connect(), backoff(this.attempt++));
      return;
    }
    if (this.stopped) return;
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    // A browser cannot set headers on a WebSocket, so the URL carries a credential: a one-minute
    // ticket that opens this socket and nothing else, never the session token.
    const url = `${scheme}://${location.host}/v1/ws?access_token=${encodeURIComponent(ticket)}`;
    const socket = new WebSocket(url);
    this.socket = socket;
    let opened = false;
    socket.onopen = () => {
      opened = true;
      this.attempt = 0;
      this.inFlight.clear();
      this.setState("online");
      socket.send(JSON.stringify({ type: "sync", after: 0 }));
      socket.send(JSON.stringify({ type: "heartbeat" }));
      void this.flush();
    };
    socket.onmessage = (e) => {
      if (typeof e.data !== "string") return;
      let frame: ServerFrame;
      try {
        frame = JSON.parse(e.data);
      } catch {
        return;
      }
      void this.handle(frame);
    };
    socket.onclose = (e) => {
      if (this.socket !== socket) return;
      this.socket = null;
      if (this.stopped) return;
      if (e.code === 4001) {
        // This device connected again elsewhere, or signed out: do not fight over the socket.
        this.setState("replaced");
        return;
      }
      this.setState(navigator.onLine ? "connecting" : "offline");
      if (!opened && this.attempt >= 2) void this.checkToken();
      if (!navigator.onLine) return; // the "online" event reconnects
      this.retry = window.setTimeout(() => this.connect(), backoff(this.attempt++));
    };
  }

  /** Upgrades refused again and again: a 401 on a plain call tells an expired token from an outage. */
  private async checkToken(): Promise<void> {
    const r = await fetch("/v1/users/me/groups", { headers: { Authorization: `Bearer ${this.session.token}` } }).catch(() => null);
    if (r?.status === 401) {
      this.stop();
      this.onUnauthorized();
    }
  }

  /** The leader's part of a server frame (ack, outbox), then every tab's part (the view). */
  private async handle(frame: ServerFrame): Promise<void> {
    switch (frame.type) {
      case "message":
      case "receipt":
        // At least once: acked even when seen before, so the server stops resending it.
        this.send({ type: "ack", seq: frame.seq, status: "delivered" });
        break;
      case "sent":
        this.inFlight.delete(String(frame.id));
        await this.store.removeOutbox(String(frame.id));
        break;
      case "error":
        if (typeof frame.ref === "string") {
          this.inFlight.delete(frame.ref);
          if (isPermanent(String(frame.code))) await this.store.removeOutbox(frame.ref);
        }
        break;
    }
    // This tab's view keeps what it learns before the other tabs hear of it.
    await this.onFrame(frame);
    this.channel.postMessage({ kind: "frame", frame } satisfies TabMessage);
  }

  private observeOutgoing(frame: object): void {
    const f = frame as { type?: string; id?: string };
    if (f.type === "send" && f.id) this.inFlight.set(f.id, Date.now());
  }

  /** Sends every outbox entry not already on its way (or on its way for too long), oldest first. */
  private async flush(): Promise<void> {
    if (this.socket?.readyState !== WebSocket.OPEN) return;
    const now = Date.now();
    for (const entry of await this.store.outbox()) {
      const since = this.inFlight.get(entry.id);
      if (since !== undefined && now - since < RESEND_MS) continue;
      const frame: Record<string, unknown> = { type: "send", id: entry.id, to: entry.to, body: entry.body };
      if (entry.attachments.length > 0) frame.attachments = entry.attachments;
      this.send(frame);
    }
  }
}
