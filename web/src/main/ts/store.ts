// What this browser keeps for one signed-in device, in IndexedDB (shared by its tabs):
// the outbox (send frames not yet acknowledged with `sent`) and what each message's ticks are.
import type { Attachment, Receipts, Status } from "./model";

export interface OutboxEntry {
  id: string;
  conversation: string;
  to: { user: string } | { group: string };
  body: string;
  attachments: Attachment[];
  createdAt: number;
}

/** What this device knows of a message beyond history: ticks of its own, seq and read of others'. */
export interface Known {
  id: string;
  conversation: string;
  status?: Status;
  error?: string;
  receipts?: Receipts;
  at?: number;
  seq?: number;
  readAcked?: boolean;
}

function request<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}

export class Store {
  private constructor(private readonly db: IDBDatabase) {}

  static async open(user: string, device: string): Promise<Store> {
    const open = indexedDB.open(`parley:${user}:${device}`, 1);
    open.onupgradeneeded = () => {
      open.result.createObjectStore("outbox", { keyPath: "id" });
      open.result.createObjectStore("known", { keyPath: "id" });
    };
    return new Store(await request(open));
  }

  static async drop(user: string, device: string): Promise<void> {
    await request(indexedDB.deleteDatabase(`parley:${user}:${device}`)).catch(() => undefined);
  }

  close(): void {
    this.db.close();
  }

  private tx(name: string, mode: IDBTransactionMode): IDBObjectStore {
    return this.db.transaction(name, mode).objectStore(name);
  }

  async outbox(): Promise<OutboxEntry[]> {
    const all = await request(this.tx("outbox", "readonly").getAll() as IDBRequest<OutboxEntry[]>);
    return all.sort((a, b) => a.createdAt - b.createdAt);
  }

  async putOutbox(entry: OutboxEntry): Promise<void> {
    await request(this.tx("outbox", "readwrite").put(entry));
  }

  async removeOutbox(id: string): Promise<OutboxEntry | undefined> {
    const store = this.tx("outbox", "readwrite");
    const entry = (await request(store.get(id))) as OutboxEntry | undefined;
    await request(store.delete(id));
    return entry;
  }

  async known(id: string): Promise<Known | undefined> {
    return (await request(this.tx("known", "readonly").get(id))) as Known | undefined;
  }

  async knownIn(conversation: string): Promise<Known[]> {
    const all = (await request(this.tx("known", "readonly").getAll())) as Known[];
    return all.filter((k) => k.conversation === conversation);
  }

  /** Merges `change` into what is known of message `id` (one read-modify-write transaction). */
  async remember(id: string, conversation: string, change: (k: Known) => Known): Promise<Known> {
    const store = this.tx("known", "readwrite");
    const before = ((await request(store.get(id))) as Known | undefined) ?? { id, conversation };
    const after = change(before);
    await request(store.put(after));
    return after;
  }
}
