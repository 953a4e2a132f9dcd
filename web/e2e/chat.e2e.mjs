// End-to-end tests of the chat page in a real Chromium against a real Parley stack.
//   PARLEY_URL=http://127.0.0.1:8080 node e2e/chat.e2e.mjs
// Env: PARLEY_URL (required), CHROMIUM (default /usr/bin/chromium), PARLEY_SCREENSHOTS (a folder;
// default ../docs/web), PARLEY_E2E_ONLY (run only tests whose name contains it).
// Exit status: 0 when every test passed, 1 otherwise. Each test prints PASS or FAIL with its reason.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { deflateSync } from "node:zlib";
import { chromium } from "playwright-core";

const BASE = process.env.PARLEY_URL;
if (!BASE) {
  console.error("PARLEY_URL is not set");
  process.exit(2);
}
const SHOTS = resolve(process.env.PARLEY_SCREENSHOTS ?? new URL("../../docs/web", import.meta.url).pathname);
const ONLY = process.env.PARLEY_E2E_ONLY ?? "";
const WAIT = 60_000; // the longest one step may wait for the stack (history and presence go through Kafka Connect); a bound, not a measure
const PASSWORD = "correct horse battery";
const RUN = Date.now().toString(36).slice(-5);

mkdirSync(SHOTS, { recursive: true });
const files = mkdtempSync(join(tmpdir(), "parley-e2e-"));

// The flags the machine's Chromium needs here; Playwright adds --headless and a fresh profile.
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync"],
});

const problems = []; // CSP violations and page errors, from every page of every test

async function person(name, context) {
  const ctx = context ?? (await browser.newContext({ viewport: { width: 1100, height: 720 } }));
  const page = await ctx.newPage();
  watch(page);
  return { name: `${name}${RUN}`, ctx, page };
}

function watch(page) {
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error" && /Content Security Policy|Trusted Type/i.test(m.text())) problems.push(`CSP: ${m.text()}`);
  });
}

async function signUp(p) {
  await p.page.goto(BASE);
  await p.page.getByLabel("Username", { exact: true }).fill(p.name);
  await p.page.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await p.page.getByLabel("Device", { exact: true }).fill("browser");
  await p.page.getByRole("button", { name: "Sign up" }).click();
  await online(p.page);
}

async function online(page) {
  await page.getByRole("status", { name: "Connection" }).getByText("online", { exact: true }).waitFor({ timeout: WAIT });
}

async function newChat(p, peer) {
  await p.page.getByLabel("Chat with").fill(peer.name);
  await p.page.getByRole("button", { name: "New chat" }).click();
  await p.page.getByRole("heading", { name: peer.name, exact: true }).waitFor();
}

async function openChat(p, title) {
  await p.page.getByRole("navigation", { name: "Chats" }).getByRole("button", { name: title, exact: true }).click();
  await p.page.getByRole("heading", { name: title }).waitFor();
}

async function send(p, text) {
  const box = p.page.getByLabel("Message", { exact: true });
  await box.fill(text);
  await box.press("Enter"); // the keyboard, as a person would
}

function message(page, text) {
  return page.getByRole("log", { name: "Messages" }).getByRole("listitem").filter({ hasText: text });
}

async function seen(page, text) {
  await message(page, text).first().waitFor({ timeout: WAIT });
}

async function status(page, text, expected) {
  await message(page, text).locator(".status").getByText(expected, { exact: true }).waitFor({ timeout: WAIT });
}

async function shot(page, name) {
  await page.screenshot({ path: join(SHOTS, `${name}.png`) });
}

/** A real PNG, width x height, each pixel a different colour. */
function png(width, height) {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf) => {
    let c = 0xffffffff;
    for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, data) => {
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    out.write(type, 4, "latin1");
    data.copy(out, 8);
    out.writeUInt32BE(crc(out.subarray(4, 8 + data.length)), 8 + data.length);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA
  const raw = Buffer.alloc(height * (1 + width * 4));
  for (let y = 0; y < height; y++) {
    raw[y * (1 + width * 4)] = 0;
    for (let x = 0; x < width; x++) raw.set([(x * 80) % 256, (y * 120) % 256, 200, 255], y * (1 + width * 4) + 1 + x * 4);
  }
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk("IHDR", ihdr),
    chunk("IDAT", deflateSync(raw)), chunk("IEND", Buffer.alloc(0))]);
}

// ---- the people and the tests; later tests go on from the state earlier ones left ----

const alice = await person("alice");
const bob = await person("bob");
const carol = await person("carol");

const tests = [
  ["two people chat, with ticks and presence", async () => {
    await signUp(alice);
    await signUp(bob);
    await newChat(alice, bob);
    await send(alice, "hello bob");
    await status(alice.page, "hello bob", "delivered"); // bob's page is open: his device has it
    await alice.page.getByLabel("Presence").getByText("online", { exact: true }).waitFor({ timeout: WAIT });
    await openChat(bob, alice.name);
    await seen(bob.page, "hello bob");
    await status(alice.page, "hello bob", "read"); // bob has the conversation open
    await send(bob, "hi alice");
    await seen(alice.page, "hi alice");
    await status(bob.page, "hi alice", "read");
    await shot(alice.page, "chat");
  }],

  ["a message written offline is delivered after reconnect", async () => {
    await alice.ctx.setOffline(true);
    await alice.page.getByRole("status", { name: "Connection" }).getByText(/^offline/).waitFor({ timeout: WAIT });
    await send(alice, "written while offline");
    await status(alice.page, "written while offline", "sending"); // in the outbox, not on the wire
    await shot(alice.page, "offline");
    await alice.ctx.setOffline(false);
    await online(alice.page);
    await seen(bob.page, "written while offline");
    await status(alice.page, "written while offline", "read");
  }],

  ["a reload keeps the session, the history and the ticks", async () => {
    // History reaches Cassandra through Kafka Connect: reload until the page's history has it.
    let found = false;
    for (let attempt = 0; attempt < 10 && !found; attempt++) {
      await bob.page.reload();
      await online(bob.page); // still signed in: no sign-in form
      await openChat(bob, alice.name);
      found = await message(bob.page, "written while offline").first().waitFor({ timeout: 3_000 }).then(() => true, () => false);
    }
    if (!found) throw new Error("the history never showed the last message after a reload");
    await seen(bob.page, "hello bob");
    await seen(bob.page, "hi alice");
    await alice.page.reload();
    await online(alice.page);
    await openChat(alice, bob.name);
    await status(alice.page, "hello bob", "read"); // this device remembers the ticks
    if (await alice.page.getByLabel("Password", { exact: true }).count()) throw new Error("the reload asked to sign in again");
  }],

  ["several tabs of one device share its socket, and hand it on", async () => {
    const second = await bob.ctx.newPage();
    watch(second);
    await second.goto(BASE);
    await online(second);
    const tab2 = { ...bob, page: second };
    await openChat(tab2, alice.name);
    await send(alice, "to both tabs");
    await seen(bob.page, "to both tabs");
    await seen(second, "to both tabs");
    await send(tab2, "from the second tab");
    await seen(alice.page, "from the second tab");
    await status(second, "from the second tab", "read");
    await status(bob.page, "from the second tab", "read");
    // The tab holding the socket closes: the other takes it over and goes on receiving.
    await bob.page.close();
    bob.page = second;
    await send(alice, "after the first tab closed");
    await seen(second, "after the first tab closed");
    await status(alice.page, "after the first tab closed", "read");
  }],

  ["an image goes through encrypted and comes back as a picture", async () => {
    const file = join(files, "dots.png");
    writeFileSync(file, png(3, 2));
    const chooser = alice.page.waitForEvent("filechooser");
    chooser.catch(() => undefined); // awaited below; a failed click must not leave it unhandled
    await alice.page.getByRole("button", { name: "Attach", exact: true }).click();
    await (await chooser).setFiles(file);
    await alice.page.getByText("dots.png (").waitFor();
    await send(alice, "a picture");
    await status(alice.page, "a picture", "read");
    const img = message(bob.page, "a picture").getByRole("img", { name: "dots.png" });
    await img.waitFor({ timeout: WAIT });
    // Decoded by the browser from the decrypted bytes: the image is the one that was sent.
    await bob.page.waitForFunction((el) => el.complete && el.naturalWidth === 3 && el.naturalHeight === 2,
      await img.elementHandle(), { timeout: WAIT });
    const src = await img.getAttribute("src");
    if (!src?.startsWith("blob:")) throw new Error(`the picture is not shown from decrypted bytes: ${src}`);
    await shot(bob.page, "image");
  }],

  ["a message of HTML shows as text and runs nothing", async () => {
    const evil = `<img src=x onerror="window.__pwned=1"><b>bold?</b>`;
    await send(alice, evil);
    await seen(bob.page, "bold?");
    for (const page of [alice.page, bob.page]) {
      const body = await message(page, "bold?").locator(".body").textContent();
      if (body !== evil) throw new Error(`the message shows as ${JSON.stringify(body)}`);
      const injected = await page.evaluate(() => ({
        pwned: "__pwned" in window,
        elements: document.querySelectorAll('[role="log"] img[src="x"], [role="log"] b').length,
      }));
      if (injected.pwned || injected.elements > 0) throw new Error(`the HTML ran: ${JSON.stringify(injected)}`);
    }
  }],

  ["a taken username and a wrong password are refused with a reason", async () => {
    const page = carol.page;
    await page.goto(BASE);
    await page.getByLabel("Username", { exact: true }).fill(alice.name);
    await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
    await page.getByRole("button", { name: "Sign up" }).click();
    await page.getByRole("alert").getByText("username_taken").waitFor({ timeout: WAIT });
    await page.getByLabel("Password", { exact: true }).fill("not the password at all");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("alert").getByText("Wrong username or password.").waitFor({ timeout: WAIT });
  }],

  ["a group of three: create, talk, read, remove, add, leave", async () => {
    await signUp(carol);
    await alice.page.getByLabel("Group name").fill("friends");
    await alice.page.getByLabel("Members").fill(`${bob.name}, ${carol.name}`);
    await alice.page.getByRole("button", { name: "New group" }).click();
    await alice.page.getByRole("heading", { name: "friends (group)" }).waitFor();
    await alice.page.getByRole("heading", { name: "Members (3)" }).waitFor();
    await send(alice, "hello friends");
    await status(alice.page, "hello friends", "delivered"); // every other member's device has it
    await bob.page.getByRole("navigation", { name: "Chats" }).getByText("1 unread").waitFor({ timeout: WAIT });
    await openChat(bob, "friends (group)");
    await seen(bob.page, "hello friends");
    await message(alice.page, "hello friends").getByText("read by 1 of 2").waitFor({ timeout: WAIT });
    await openChat(carol, "friends (group)");
    await seen(carol.page, "hello friends");
    await status(alice.page, "hello friends", "read");
    await send(carol, "hi from carol");
    await seen(alice.page, "hi from carol");
    await seen(bob.page, "hi from carol");
    await shot(alice.page, "group");

    await alice.page.getByRole("button", { name: `Remove ${carol.name}` }).click();
    await alice.page.getByRole("heading", { name: "Members (2)" }).waitFor();
    await alice.page.getByLabel("Add member").fill(carol.name);
    await alice.page.getByRole("button", { name: "Add", exact: true }).click();
    await alice.page.getByRole("heading", { name: "Members (3)" }).waitFor();
    await bob.page.getByRole("button", { name: "Leave group" }).click();
    await bob.page.getByRole("navigation", { name: "Chats" }).getByRole("button", { name: "friends (group)" })
      .waitFor({ state: "detached" });
    await openChat(alice, bob.name);
    await openChat(alice, "friends (group)"); // opening it again reads the member list again
    await alice.page.getByRole("heading", { name: "Members (2)" }).waitFor({ timeout: WAIT });
  }],

  ["the page is usable from the keyboard alone", async () => {
    const page = carol.page;
    await page.getByLabel("Chat with").focus();
    await page.keyboard.type(alice.name);
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { name: alice.name, exact: true }).waitFor();
    await page.waitForFunction(() => document.activeElement?.getAttribute("name") === "message", null, { timeout: WAIT })
      .catch(async () => {
        const focused = await page.evaluate(() => document.activeElement?.getAttribute("name"));
        throw new Error(`after opening a chat the focus is on ${focused}, not the message box`);
      });
    await page.keyboard.type("typed, never clicked");
    await page.keyboard.press("Enter");
    await status(page, "typed, never clicked", "delivered");
    await openChat(alice, carol.name);
    await seen(alice.page, "typed, never clicked");
    // A chat in the list is a button: Enter on it opens the chat.
    await page.getByRole("navigation", { name: "Chats" }).getByRole("button", { name: "friends (group)" }).focus();
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { name: "friends (group)" }).waitFor();
  }],

  ["a conversation pages back through its history", async () => {
    await openChat(alice, carol.name);
    for (let i = 1; i <= 35; i++) await send(alice, `page ${i}.`);
    await message(alice.page, "page 35.").locator(".status").getByText(/^(delivered|read)$/).waitFor({ timeout: WAIT });
    // A fresh view of the chat reads only the newest page; the rest is one click away.
    let found = false;
    for (let attempt = 0; attempt < 10 && !found; attempt++) {
      await carol.page.reload();
      await online(carol.page);
      await openChat(carol, alice.name);
      found = await message(carol.page, "page 35.").first().waitFor({ timeout: 3_000 }).then(() => true, () => false);
    }
    if (!found) throw new Error("the history never showed the newest message");
    if (await message(carol.page, "page 1.").count() !== 0) throw new Error("the first page already holds the oldest message");
    await carol.page.getByRole("button", { name: "Load older messages" }).click();
    await seen(carol.page, "page 1.");
    await seen(carol.page, "typed, never clicked");
    const order = await carol.page.getByRole("log").locator(".body").allTextContents();
    if (order.indexOf("page 1.") > order.indexOf("page 35.")) throw new Error(`the history is out of order: ${order}`);
  }],

  ["signing out forgets the device, shows last seen; signing in again brings the history back", async () => {
    await carol.page.getByRole("button", { name: "Sign out" }).click();
    await carol.page.getByRole("button", { name: "Sign in" }).waitFor();
    const stored = await carol.page.evaluate(() => localStorage.getItem("parley.session"));
    if (stored !== null) throw new Error("the token is still stored after signing out");
    // Her only device is gone: alice sees when carol was last seen.
    await alice.page.getByRole("heading", { name: carol.name, exact: true }).waitFor();
    await alice.page.getByLabel("Presence").getByText(/^last seen (today|[0-9])/).waitFor({ timeout: WAIT });
    await carol.page.reload();
    await carol.page.getByLabel("Username", { exact: true }).fill(carol.name);
    await carol.page.getByLabel("Password", { exact: true }).fill(PASSWORD);
    await carol.page.getByLabel("Device", { exact: true }).fill("laptop");
    await shot(carol.page, "signin");
    await carol.page.getByRole("button", { name: "Sign in" }).click();
    await online(carol.page);
    await openChat(carol, alice.name);
    await seen(carol.page, "page 35.");
  }],

  ["a device signed in again elsewhere gives up its socket and says so", async () => {
    const other = await person("carol-again");
    await other.page.goto(BASE);
    await other.page.getByLabel("Username", { exact: true }).fill(carol.name);
    await other.page.getByLabel("Password", { exact: true }).fill(PASSWORD);
    await other.page.getByLabel("Device", { exact: true }).fill("laptop"); // the device carol's page is on
    await other.page.getByRole("button", { name: "Sign in" }).click();
    await online(other.page);
    await carol.page.getByRole("status", { name: "Connection" }).getByText(/signed in in another window/).waitFor({ timeout: WAIT });
    await openChat(other, alice.name);
    await send(alice, "to the new window");
    await seen(other.page, "to the new window");
    await other.ctx.close();
  }],
];

let failed = 0;
for (const [name, run] of tests) {
  if (ONLY && !name.includes(ONLY)) continue;
  try {
    await run();
    console.log(`PASS ${name}`);
  } catch (e) {
    failed++;
    console.log(`FAIL ${name}\n     ${String(e?.message ?? e).split("\n").slice(0, 6).join("\n     ")}`);
    for (const p of [alice, bob, carol]) {
      await p.page.screenshot({ path: join(files, `failed-${p.name}.png`) }).catch(() => undefined);
    }
    console.log(`     screenshots of the failure in ${files}`);
    break; // later tests build on this one's state
  }
}
if (problems.length > 0) {
  failed++;
  console.log(`FAIL the page ran without CSP violations or errors\n     ${[...new Set(problems)].join("\n     ")}`);
}
await browser.close();
if (failed === 0) rmSync(files, { recursive: true, force: true });
console.log(failed === 0 ? "all passed" : `${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
