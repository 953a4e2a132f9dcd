// The chat page: sign-in, the chat list, one conversation, groups, attachments.
import { api, ApiError, downloadAsset, uploadAsset, type Group, type HistoryMessage, type Session } from "./api";
import { append, field, h, replace } from "./dom";
import { Link, type LinkState, type ServerFrame } from "./link";
import { decryptMedia, encryptMedia, sha256Hex } from "./media";
import {
  dmId, groupConversation, humanSize, isPermanent, isPreviewable, isUserId, lastSeenText, peerOf, recipientOf,
  ticks, withReceipt, type Attachment, type Receipts, type Status,
} from "./model";
import { Store, type Known } from "./store";

const SESSION_KEY = "parley.session";
const MAX_UPLOAD = 64 * 1024 * 1024;

interface Msg {
  id: string;
  from: string;
  body: string;
  at: number;
  attachments: Attachment[];
  pending: boolean;
  error?: string;
  receipts: Receipts;
}

interface ChatItem {
  conversation: string;
  preview: string;
  at: number;
  /** Messages that arrived while the chat was not in front of the user. */
  unread: number;
}

interface ConversationView {
  messages: Map<string, Msg>;
  next: string | null;
  /** Live messages may arrive before the conversation is first opened and its history read. */
  loaded: boolean;
}

function loadSession(): Session | null {
  try {
    const s = JSON.parse(localStorage.getItem(SESSION_KEY) ?? "null");
    return s && typeof s.token === "string" && typeof s.user === "string" && typeof s.device === "string" ? s : null;
  } catch {
    return null;
  }
}

function describe(e: unknown): string {
  if (e instanceof ApiError) return `${e.message} (${e.code})`;
  return e instanceof Error ? e.message : String(e);
}

function timeOf(at: number): string {
  return new Date(at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}

export function boot(root: HTMLElement): void {
  const session = loadSession();
  if (session) void new Chat(root, session).start();
  else signInView(root);
  // Signing in or out in another tab changes this one too.
  window.addEventListener("storage", (e) => {
    if (e.key === SESSION_KEY) location.reload();
  });
}

function signInView(root: HTMLElement): void {
  const username = h("input", { name: "username", autocomplete: "username", required: true, autocapitalize: "none", spellcheck: "false" });
  const password = h("input", { name: "password", type: "password", autocomplete: "current-password", required: true, minlength: 10 });
  const device = h("input", { name: "device", required: true, pattern: "[A-Za-z0-9._\\-]{1,64}",
    value: "web-" + crypto.getRandomValues(new Uint32Array(1))[0].toString(36).slice(0, 5) });
  const alert = h("p", { role: "alert", className: "error" });
  const form = h("form", { className: "card", "aria-labelledby": "signin-title" },
    h("h1", { id: "signin-title" }, "Parley"),
    field("Username", username), field("Password", password), field("Device", device),
    h("div", { className: "row" }, h("button", { type: "submit" }, "Sign in"),
      h("button", { type: "button", onclick: () => void go(true) }, "Sign up")),
    alert);
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    void go(false);
  });

  async function go(signUp: boolean): Promise<void> {
    if (!form.reportValidity()) return;
    const user = username.value.trim().toLowerCase();
    alert.textContent = signUp ? "Creating the account…" : "Signing in…";
    try {
      if (signUp) await api.signUp(user, password.value);
      const signed = await api.signIn(user, password.value, device.value);
      localStorage.setItem(SESSION_KEY, JSON.stringify({ token: signed.token, user: signed.user.id, device: device.value }));
      replace(root);
      void new Chat(root, { token: signed.token, user: signed.user.id, device: device.value }).start();
    } catch (e) {
      alert.textContent = e instanceof ApiError && e.code === "unauthorized" ? "Wrong username or password." : describe(e);
    }
  }

  replace(root, h("main", { className: "signin" }, form));
  username.focus();
}

class Chat {
  private store!: Store;
  private link!: Link;
  private readonly chats = new Map<string, ChatItem>();
  private readonly groups = new Map<string, Group>();
  private readonly views = new Map<string, ConversationView>();
  private readonly media = new Map<string, Promise<string>>();
  private readonly nodes = new Map<string, { key: string; li: HTMLLIElement }>();
  private current: string | null = null;
  private presenceTimer: number | undefined;
  private pendingFile: File | null = null;

  // The page's fixed parts; their contents are replaced as things change.
  private readonly connection = h("span", { role: "status", "aria-label": "Connection", className: "connection" });
  private readonly notice = h("p", { role: "alert", className: "error" });
  private readonly chatList = h("ul", { className: "chats" });
  private readonly title = h("h2", { id: "conversation-title" }, "No chat open");
  private readonly presence = h("p", { className: "presence", "aria-label": "Presence" });
  private readonly groupPanel = h("div", { className: "group-panel" });
  private readonly older = h("button", { type: "button", hidden: true, onclick: () => void this.loadOlder() }, "Load older messages");
  private readonly log = h("ol", { role: "log", "aria-label": "Messages", "aria-live": "polite", tabindex: 0, className: "log" });
  private readonly messageInput = h("input", { name: "message", autocomplete: "off", maxlength: 16384, disabled: true });
  private readonly fileInput = h("input", { type: "file", className: "visually-hidden", tabindex: -1, "aria-hidden": "true" });
  private readonly pending = h("span", { className: "pending", "aria-live": "polite" });
  private readonly composerStatus = h("p", { role: "status", className: "composer-status" });
  private readonly composer = h("form", { className: "composer", "aria-label": "Write a message" });

  constructor(private readonly root: HTMLElement, private readonly session: Session) {}

  async start(): Promise<void> {
    this.store = await Store.open(this.session.user, this.session.device);
    this.render();
    this.link = new Link(this.session, this.store, (f) => this.onFrame(f), (s) => this.onState(s), () => this.signedOut(),
      () => void this.showOutbox());
    this.link.start();
    await this.loadChatList();
    document.addEventListener("visibilitychange", () => void this.markRead());
  }

  private render(): void {
    const newChat = h("input", { name: "peer", autocomplete: "off", autocapitalize: "none", spellcheck: "false", required: true });
    const newChatForm = h("form", { className: "new-chat" }, field("Chat with", newChat), h("button", { type: "submit" }, "New chat"));
    newChatForm.addEventListener("submit", (e) => {
      e.preventDefault();
      void this.startChat(newChat.value.trim().toLowerCase(), newChat);
    });
    const groupName = h("input", { name: "group-name", autocomplete: "off", required: true, maxlength: 100 });
    const groupMembers = h("input", { name: "group-members", autocomplete: "off", autocapitalize: "none", placeholder: "bob, carol" });
    const groupForm = h("form", { className: "new-group" }, field("Group name", groupName), field("Members", groupMembers),
      h("button", { type: "submit" }, "New group"));
    groupForm.addEventListener("submit", (e) => {
      e.preventDefault();
      void this.createGroup(groupName, groupMembers);
    });

    const attach = h("button", { type: "button", onclick: () => this.fileInput.click() }, "Attach");
    this.fileInput.addEventListener("change", () => this.choseFile());
    replace(this.composer, field("Message", this.messageInput), attach, this.fileInput, this.pending,
      h("button", { type: "submit" }, "Send"), this.composerStatus);
    this.composer.addEventListener("submit", (e) => {
      e.preventDefault();
      void this.sendFromComposer();
    });

    replace(this.root,
      h("header", { className: "top" },
        h("h1", {}, "Parley"),
        h("span", { className: "me" }, `${this.session.user} on ${this.session.device}`),
        this.connection,
        h("button", { type: "button", onclick: () => void this.signOut() }, "Sign out")),
      this.notice,
      h("div", { className: "layout" },
        h("nav", { "aria-label": "Chats", className: "side" }, newChatForm, groupForm, h("h2", {}, "Chats"), this.chatList),
        h("main", { "aria-labelledby": "conversation-title", className: "conversation" },
          this.title, this.presence, this.groupPanel, this.older, this.log, this.composer)));
  }

  private onState(state: LinkState): void {
    this.connection.textContent = {
      online: "online", connecting: "connecting…", offline: "offline: messages wait in the outbox",
      replaced: "this device is signed in in another window",
    }[state];
    this.connection.dataset.state = state;
  }

  // ---- chat list ----

  private async loadChatList(): Promise<void> {
    const [lines, groups] = await Promise.all([
      api.conversations(this.session.token).catch((e) => {
        this.notice.textContent = `The chat list is not available: ${describe(e)}`;
        return { conversations: [] };
      }),
      api.myGroups(this.session.token).catch(() => ({ groups: [] as Group[] })),
    ]);
    for (const g of groups.groups) {
      this.groups.set(g.id, g);
      this.touch(groupConversation(g.id), "", 0);
    }
    for (const line of lines.conversations) {
      const last = line.lastMessage;
      this.touch(line.conversation, last ? `${last.from}: ${last.preview}` : "", last?.at ?? 0);
    }
    for (const entry of await this.store.outbox()) this.touch(entry.conversation, `${this.session.user}: ${entry.body}`, entry.createdAt);
    this.renderChatList();
  }

  private touch(conversation: string, preview: string, at: number): void {
    const known = this.chats.get(conversation);
    if (!known || at >= known.at) {
      this.chats.set(conversation, { conversation, preview: preview || known?.preview || "", at, unread: known?.unread ?? 0 });
    }
  }

  private titleOf(conversation: string): string {
    const peer = peerOf(conversation, this.session.user);
    if (peer !== null) return peer;
    const group = this.groups.get(conversation.slice("group:".length));
    return group ? `${group.name} (group)` : conversation;
  }

  private renderChatList(): void {
    const items = [...this.chats.values()].sort((a, b) => b.at - a.at);
    // A chat's name is its title; the last message describes it.
    replace(this.chatList, ...items.map((c, i) =>
      h("li", {}, h("button", {
        type: "button", className: "chat", "aria-current": c.conversation === this.current ? "true" : undefined,
        "aria-label": this.titleOf(c.conversation), "aria-describedby": `chat-preview-${i}`,
        onclick: () => void this.open(c.conversation),
      }, h("span", { className: "chat-title" }, this.titleOf(c.conversation)),
      h("span", { className: "preview", id: `chat-preview-${i}` },
        c.unread > 0 ? h("span", { className: "unread" }, `${c.unread} unread · `) : null, c.preview)))));
  }

  private async startChat(peer: string, input: HTMLInputElement): Promise<void> {
    if (!isUserId(peer)) {
      this.notice.textContent = `"${peer}" is not a username.`;
      return;
    }
    try {
      await api.user(this.session.token, peer);
    } catch (e) {
      this.notice.textContent = e instanceof ApiError && e.status === 404 ? `There is no user "${peer}".` : describe(e);
      return;
    }
    input.value = "";
    const conversation = dmId(this.session.user, peer);
    this.touch(conversation, "", this.chats.get(conversation)?.at ?? Date.now());
    await this.open(conversation);
  }

  // ---- groups ----

  private async createGroup(name: HTMLInputElement, members: HTMLInputElement): Promise<void> {
    const list = members.value.split(/[\s,]+/).map((m) => m.trim().toLowerCase()).filter((m) => m && m !== this.session.user);
    try {
      const group = await api.createGroup(this.session.token, name.value.trim(), list);
      this.groups.set(group.id, group);
      name.value = "";
      members.value = "";
      this.touch(groupConversation(group.id), "", Date.now());
      await this.open(groupConversation(group.id));
    } catch (e) {
      this.notice.textContent = `The group was not created: ${describe(e)}`;
    }
  }

  private async refreshGroup(id: string): Promise<Group | null> {
    try {
      const group = await api.group(this.session.token, id);
      this.groups.set(id, group);
      return group;
    } catch (e) {
      if (e instanceof ApiError && (e.code === "not_member" || e.code === "unknown_group")) {
        this.groups.delete(id);
        return null;
      }
      return this.groups.get(id) ?? null;
    }
  }

  private renderGroupPanel(group: Group | null): void {
    if (!group) {
      replace(this.groupPanel);
      return;
    }
    const me = group.members.find((m) => m.user === this.session.user);
    const admin = me?.role === "admin";
    const add = h("input", { name: "add-member", autocomplete: "off", autocapitalize: "none", required: true });
    const addForm = h("form", { className: "add-member" }, field("Add member", add), h("button", { type: "submit" }, "Add"));
    addForm.addEventListener("submit", (e) => {
      e.preventDefault();
      void this.changeGroup(group.id, () => api.addMember(this.session.token, group.id, add.value.trim().toLowerCase()));
    });
    replace(this.groupPanel,
      h("h3", { id: "members-title" }, `Members (${group.members.length})`),
      h("ul", { "aria-labelledby": "members-title", className: "members" }, ...group.members.map((m) =>
        h("li", {}, h("span", {}, m.user), m.role === "admin" ? h("span", { className: "role" }, " admin") : null,
          admin && m.user !== this.session.user
            ? h("button", { type: "button", "aria-label": `Remove ${m.user}`,
              onclick: () => void this.changeGroup(group.id, () => api.removeMember(this.session.token, group.id, m.user)) }, "Remove")
            : null))),
      admin ? addForm : null,
      h("button", { type: "button", onclick: () => void this.leaveGroup(group.id) }, "Leave group"));
  }

  private async changeGroup(id: string, change: () => Promise<unknown>): Promise<void> {
    try {
      await change();
      this.notice.textContent = "";
    } catch (e) {
      this.notice.textContent = `The group did not change: ${describe(e)}`;
    }
    if (this.current === groupConversation(id)) this.renderGroupPanel(await this.refreshGroup(id));
  }

  private async leaveGroup(id: string): Promise<void> {
    try {
      await api.removeMember(this.session.token, id, this.session.user);
    } catch (e) {
      this.notice.textContent = `You are still in the group: ${describe(e)}`;
      return;
    }
    this.groups.delete(id);
    this.chats.delete(groupConversation(id));
    this.current = null;
    this.title.textContent = "No chat open";
    replace(this.log);
    replace(this.groupPanel);
    this.messageInput.disabled = true;
    this.renderChatList();
  }

  // ---- a conversation ----

  private async open(conversation: string): Promise<void> {
    this.current = conversation;
    const item = this.chats.get(conversation);
    if (item) item.unread = 0;
    this.notice.textContent = "";
    this.title.textContent = this.titleOf(conversation);
    this.messageInput.disabled = false;
    this.messageInput.focus(); // the next key goes into the message
    this.renderChatList();
    clearInterval(this.presenceTimer);
    const peer = peerOf(conversation, this.session.user);
    this.presence.textContent = "";
    if (peer !== null) {
      replace(this.groupPanel);
      void this.showPresence(peer);
      this.presenceTimer = window.setInterval(() => void this.showPresence(peer), 10_000);
    } else {
      const id = conversation.slice("group:".length);
      this.renderGroupPanel(this.groups.get(id) ?? null);
      void this.refreshGroup(id).then((g) => {
        if (this.current === conversation) {
          this.title.textContent = this.titleOf(conversation);
          this.renderGroupPanel(g);
        }
      });
    }
    const view = this.viewOf(conversation);
    if (!view.loaded) {
      view.loaded = true;
      await this.loadPage(conversation, view, null);
      for (const entry of await this.store.outbox()) {
        if (entry.conversation === conversation) {
          view.messages.set(entry.id, { id: entry.id, from: this.session.user, body: entry.body, at: entry.createdAt,
            attachments: entry.attachments, pending: true, receipts: { delivered: [], read: [] } });
        }
      }
    }
    this.renderLog(true);
    await this.markRead();
  }

  private viewOf(conversation: string): ConversationView {
    let view = this.views.get(conversation);
    if (!view) {
      view = { messages: new Map(), next: null, loaded: false };
      this.views.set(conversation, view);
    }
    return view;
  }

  private async showPresence(peer: string): Promise<void> {
    try {
      const p = await api.presence(this.session.token, peer);
      if (this.current !== null && peerOf(this.current, this.session.user) === peer) {
        this.presence.textContent = lastSeenText(p.online, p.lastSeen);
      }
    } catch {
      this.presence.textContent = "last seen: unknown";
    }
  }

  /** One page of history, older than what the view holds; what this device knows adds the ticks. */
  private async loadPage(conversation: string, view: ConversationView, before: string | null): Promise<void> {
    let page: { messages: HistoryMessage[]; next: string | null };
    try {
      page = await api.messages(this.session.token, conversation, before);
    } catch (e) {
      if (!(e instanceof ApiError && e.code === "history_disabled")) this.notice.textContent = `History is not available: ${describe(e)}`;
      page = { messages: [], next: null };
    }
    const known = new Map((await this.store.knownIn(conversation)).map((k) => [k.id, k]));
    for (const m of page.messages) {
      if (view.messages.has(m.id)) continue;
      const k = known.get(m.id);
      view.messages.set(m.id, { id: m.id, from: m.from, body: m.body, at: m.at, attachments: m.attachments ?? [],
        pending: false, error: k?.error, receipts: k?.receipts ?? { delivered: [], read: [] } });
    }
    view.next = page.next;
  }

  private async loadOlder(): Promise<void> {
    const conversation = this.current;
    const view = conversation ? this.views.get(conversation) : undefined;
    if (!conversation || !view || view.next === null) return;
    const fromBottom = this.log.scrollHeight - this.log.scrollTop;
    await this.loadPage(conversation, view, view.next);
    this.renderLog(false);
    this.log.scrollTop = this.log.scrollHeight - fromBottom; // the message read last stays in view
  }

  private statusOf(m: Msg): { status: Status; detail: string } {
    if (m.error) return { status: "failed", detail: m.error };
    if (m.pending) return { status: "sending", detail: "" };
    const conversation = this.current ?? "";
    if (conversation.startsWith("group:")) {
      const id = conversation.slice("group:".length);
      const members = this.groups.get(id)?.members.length ?? 2;
      return ticks(m.receipts, Math.max(1, members - 1), id);
    }
    return ticks(m.receipts, 1);
  }

  private renderLog(scrollToEnd: boolean): void {
    const view = this.current ? this.views.get(this.current) : undefined;
    const atEnd = this.log.scrollTop + this.log.clientHeight >= this.log.scrollHeight - 8;
    const messages = view ? [...view.messages.values()].sort((a, b) => Number(a.pending) - Number(b.pending) || a.at - b.at) : [];
    // Unchanged messages keep their nodes (a screen reader hears only what is new, a picture does
    // not flicker); a changed one is rebuilt in place; new ones are appended.
    const nodes = messages.map((m) => this.nodeOf(m));
    const current = Array.from(this.log.children);
    const prefix = current.every((node, i) => nodes[i] === node);
    if (prefix) append(this.log, ...nodes.slice(current.length));
    else this.log.replaceChildren(...nodes);
    this.older.hidden = !view || view.next === null;
    if (scrollToEnd || atEnd) this.log.scrollTop = this.log.scrollHeight;
  }

  private nodeOf(m: Msg): HTMLLIElement {
    const status = m.from === this.session.user ? this.statusOf(m) : null;
    const key = `${m.at}|${status?.status}|${status?.detail}`;
    const cached = this.nodes.get(m.id);
    if (cached && cached.key === key) return cached.li;
    const li = this.renderMessage(m);
    this.nodes.set(m.id, { key, li });
    cached?.li.replaceWith(li);
    return li;
  }

  private renderMessage(m: Msg): HTMLLIElement {
    const mine = m.from === this.session.user;
    const status = mine ? this.statusOf(m) : null;
    return h("li", { className: mine ? "msg mine" : "msg", "data-id": m.id },
      h("span", { className: "from" }, mine ? "you" : m.from),
      m.body ? h("span", { className: "body" }, m.body) : null,
      ...m.attachments.map((a) => this.renderAttachment(a)),
      h("time", { datetime: new Date(m.at).toISOString() }, timeOf(m.at)),
      status ? h("span", { className: "status", "data-status": status.status }, status.status) : null,
      status?.detail ? h("span", { className: "detail" }, status.detail) : null);
  }

  private renderAttachment(a: Attachment): HTMLElement {
    const name = a.name || "attachment";
    const size = humanSize(a.key ? Math.max(0, a.size - 48) : a.size);
    const caption = h("figcaption", {}, `${name}, ${size}`);
    if (isPreviewable(a.mime)) {
      const img = h("img", { alt: name, className: "preview-image" });
      void this.mediaUrl(a, a.mime).then((url) => (img.src = url),
        (e) => caption.append(` (cannot be shown: ${describe(e)})`));
      return h("figure", {}, img, caption);
    }
    const button = h("button", { type: "button", onclick: () => void this.save(a, name, caption) }, `Download ${name}`);
    return h("figure", {}, caption, button);
  }

  /** Downloads, checks the hash, decrypts (the MAC first) and keeps the plaintext as a blob URL. */
  private mediaUrl(a: Attachment, type: string): Promise<string> {
    const cacheKey = `${a.asset}:${type}`;
    let url = this.media.get(cacheKey);
    if (!url) {
      url = (async () => {
        const bytes = await downloadAsset(this.session.token, a.asset);
        if ((await sha256Hex(bytes)) !== a.asset) throw new Error("the downloaded bytes are not the asset");
        const plain = a.key ? await decryptMedia(bytes, a.key) : bytes;
        return URL.createObjectURL(new Blob([plain], { type }));
      })();
      url.catch(() => this.media.delete(cacheKey));
      this.media.set(cacheKey, url);
    }
    return url;
  }

  private async save(a: Attachment, name: string, caption: HTMLElement): Promise<void> {
    try {
      // As bytes, never as a type the browser would render on this origin.
      const url = await this.mediaUrl(a, "application/octet-stream");
      const link = h("a", { href: url, download: name });
      link.click();
    } catch (e) {
      caption.append(` (download failed: ${describe(e)})`);
    }
  }

  /** Tells the server the user saw the messages of the open conversation (only while the page is visible). */
  private async markRead(): Promise<void> {
    if (!this.current || document.visibilityState !== "visible") return;
    const item = this.chats.get(this.current);
    if (item && item.unread > 0) {
      item.unread = 0;
      this.renderChatList();
    }
    for (const k of await this.store.knownIn(this.current)) {
      if (k.seq !== undefined && !k.readAcked) {
        this.link.send({ type: "ack", seq: k.seq, status: "read" });
        await this.store.remember(k.id, k.conversation, (x) => ({ ...x, readAcked: true }));
      }
    }
  }

  // ---- sending ----

  private choseFile(): void {
    const file = this.fileInput.files?.[0] ?? null;
    this.fileInput.value = "";
    if (file && file.size > MAX_UPLOAD) {
      this.composerStatus.textContent = `${file.name} is over 64 MB.`;
      return;
    }
    this.pendingFile = file;
    replace(this.pending, file ? h("span", {}, `${file.name} (${humanSize(file.size)}) will be sent `) : null,
      file ? h("button", { type: "button", onclick: () => this.choseNothing() }, "Remove attachment") : null);
  }

  private choseNothing(): void {
    this.pendingFile = null;
    replace(this.pending);
  }

  private async sendFromComposer(): Promise<void> {
    const conversation = this.current;
    const body = this.messageInput.value;
    const file = this.pendingFile;
    if (!conversation || (!body.trim() && !file)) return;
    const attachments: Attachment[] = [];
    if (file) {
      try {
        this.composerStatus.textContent = `Encrypting and uploading ${file.name}…`;
        const encrypted = await encryptMedia(new Uint8Array(await file.arrayBuffer()));
        const asset = await sha256Hex(encrypted.bytes);
        await uploadAsset(this.session.token, asset, encrypted.bytes);
        attachments.push({ asset, mime: file.type || "application/octet-stream", size: encrypted.bytes.length,
          key: encrypted.key, name: file.name });
        this.choseNothing();
        this.composerStatus.textContent = "";
      } catch (e) {
        this.composerStatus.textContent = `${file.name} was not sent: ${describe(e)}`;
        return;
      }
    }
    this.messageInput.value = "";
    const entry = { id: crypto.randomUUID(), conversation, to: recipientOf(conversation, this.session.user), body,
      attachments, createdAt: Date.now() };
    // The outbox first: a message written offline, or in a tab closed at once, still goes out.
    await this.store.putOutbox(entry);
    this.addLocal(conversation, { id: entry.id, from: this.session.user, body, at: entry.createdAt, attachments,
      pending: true, receipts: { delivered: [], read: [] } });
    this.link.outboxChanged();
    this.messageInput.focus();
  }

  /** Messages another tab of this device wrote and that are not sent yet. */
  private async showOutbox(): Promise<void> {
    for (const entry of await this.store.outbox()) {
      if (!this.find(entry.id)) {
        this.addLocal(entry.conversation, { id: entry.id, from: this.session.user, body: entry.body, at: entry.createdAt,
          attachments: entry.attachments, pending: true, receipts: { delivered: [], read: [] } });
      }
    }
  }

  private addLocal(conversation: string, m: Msg): void {
    const view = this.viewOf(conversation);
    if (!view.messages.has(m.id)) view.messages.set(m.id, m);
    const preview = m.body || (m.attachments[0]?.name ?? "attachment");
    this.touch(conversation, `${m.from}: ${preview}`, m.at);
    this.renderChatList();
    if (conversation === this.current) this.renderLog(true);
  }

  private find(id: string): { conversation: string; msg: Msg } | null {
    for (const [conversation, view] of this.views) {
      const msg = view.messages.get(id);
      if (msg) return { conversation, msg };
    }
    return null;
  }

  // ---- frames from the server (every tab sees each one; only the leader tab keeps what it learns) ----

  private async onFrame(f: ServerFrame): Promise<void> {
    switch (f.type) {
      case "message": {
        const conversation = String(f.conversation);
        const msg: Msg = { id: String(f.id), from: String(f.from), body: typeof f.body === "string" ? f.body : "",
          at: Number(f.at), attachments: Array.isArray(f.attachments) ? (f.attachments as Attachment[]) : [],
          pending: false, receipts: { delivered: [], read: [] } };
        if (this.isLeader()) await this.store.remember(msg.id, conversation, (k) => ({ ...k, seq: Number(f.seq) }));
        if (conversation.startsWith("group:") && !this.groups.has(conversation.slice(6))) {
          await this.refreshGroup(conversation.slice(6));
        }
        const fresh = !this.views.get(conversation)?.messages.has(msg.id); // a repeat is not new
        this.addLocal(conversation, msg);
        if (conversation === this.current && document.visibilityState === "visible") {
          await this.markRead();
        } else if (fresh && msg.from !== this.session.user) {
          const item = this.chats.get(conversation);
          if (item) item.unread++;
          this.renderChatList();
        }
        break;
      }
      case "receipt": {
        const id = String(f.id);
        const change = (r: Receipts) => withReceipt(r, String(f.by), String(f.status));
        if (this.isLeader()) {
          await this.store.remember(id, String(f.conversation), (k) => ({ ...k, receipts: change(k.receipts ?? { delivered: [], read: [] }) }));
        }
        const found = this.find(id);
        if (found) {
          found.msg.receipts = change(found.msg.receipts);
          found.msg.pending = false;
          if (found.conversation === this.current) this.renderLog(false);
        }
        break;
      }
      case "sent": {
        const found = this.find(String(f.id));
        if (found) {
          found.msg.pending = false;
          found.msg.at = Number(f.at) || found.msg.at;
          if (found.conversation === this.current) this.renderLog(false);
        }
        break;
      }
      case "error": {
        const ref = typeof f.ref === "string" ? f.ref : null;
        const code = String(f.code);
        if (ref && isPermanent(code)) {
          const found = this.find(ref);
          if (this.isLeader()) await this.store.remember(ref, found?.conversation ?? "", (k: Known) => ({ ...k, error: code }));
          if (found) {
            found.msg.error = code;
            if (found.conversation === this.current) this.renderLog(false);
          }
        } else if (!ref) {
          this.notice.textContent = `The server refused a frame: ${String(f.message)} (${code})`;
        }
        break;
      }
    }
  }

  private isLeader(): boolean {
    return this.link?.isLeader() ?? false;
  }

  // ---- signing out ----

  private async signOut(): Promise<void> {
    try {
      await api.signOut(this.session.token);
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 401)) {
        this.notice.textContent = `Not signed out: ${describe(e)}`;
        return;
      }
    }
    this.signedOut();
  }

  private signedOut(): void {
    this.link.stop();
    this.store.close();
    void Store.drop(this.session.user, this.session.device);
    localStorage.removeItem(SESSION_KEY);
    clearInterval(this.presenceTimer);
    signInView(this.root);
  }
}
