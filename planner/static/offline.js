// Taps on Today kept on this phone until the planner has them (issue 23), and the service
// worker registered (static/sw.js keeps pages for when there is no network).
//
// A tap flips its button at once, is written to IndexedDB with a key made here, and is sent:
// at once, when the phone comes back online, when any page loads, and on a timer while the
// planner cannot be reached. The server applies a key once, however often it arrives, so
// sending again is always safe. Taps are sent one at a time, in the order they were made.
// A tap waiting says "Saved on this phone, will send"; one the server refuses is shown with
// the server's reason until the person dismisses it; nothing is dropped unseen.
// Taps are filed under the signed-in account (body[data-account]) and are only ever shown to
// it and sent with its session: another person on the same phone never sees them.
//
// Without this file a tap is htmx's round trip, as before; without JavaScript, a form post.
(function () {
  "use strict";
  if (!("indexedDB" in window) || !window.fetch) return;  // htmx's round trip, as before

  const TAP_FORM = /\/h\/\d+\/tasks\/[^/]+\/state$/;
  const RETRY_SECONDS = [1, 2, 4, 8, 15];
  const script = document.currentScript;
  // The page's words for what this script says (planner/web/js_words.py), else English.
  const WORDS = JSON.parse(script.dataset.words || "{}");
  const t = (key, english, fill = {}) =>
    (WORDS[key] || english).replace(/%\((\w+)\)s/g, (_, name) => fill[name]);
  const WAITING = t("waiting", "Saved on this phone, will send");
  const STALE = t("stale",
    "This page was made for an earlier sign-in. Reload the page to send it.");
  let tries = 0;
  let timer = null;
  let running = null;
  let again = false;

  let usable = true;  // IndexedDB opens (not in every private window): else taps are htmx's
  const account = () => document.body.dataset.account || "";
  const csrf = () => JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRF-Token"];

  // --- IndexedDB: one store of taps, in the order they were made (seq) ---------------------
  let opened = null;
  function database() {
    opened = opened || new Promise((resolve, reject) => {
      const request = indexedDB.open("planner-taps", 1);
      request.onupgradeneeded = () => {
        request.result.createObjectStore("taps", { keyPath: "seq", autoIncrement: true });
      };
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    return opened;
  }

  async function store(mode, work) {
    const db = await database();
    return new Promise((resolve, reject) => {
      const tx = db.transaction("taps", mode);
      const request = work(tx.objectStore("taps"));
      tx.oncomplete = () => resolve(request.result);
      tx.onerror = tx.onabort = () => reject(tx.error);
    });
  }

  const save = (tap) => store("readwrite", (taps) => taps.put(tap));
  const remove = (seq) => store("readwrite", (taps) => taps.delete(seq));
  async function mine() {
    const all = await store("readonly", (taps) => taps.getAll());
    return all.filter((tap) => tap.account === account());
  }

  // --- A tap ------------------------------------------------------------------------------
  function newKey() {
    if (crypto.randomUUID) return crypto.randomUUID();
    return Array.from(crypto.getRandomValues(new Uint8Array(16)),
      (b) => b.toString(16).padStart(2, "0")).join("");
  }

  // The buttons of a slot say what the task now is: pressed for the state they stand for, and
  // naming the state the next tap asks for (a tap never toggles: it names what it wants).
  // Only what changes no size, so that nothing on the page moves and the frame that shows the
  // tap paints little: the row's own look (its border) comes back with the server's row.
  function show(row, slot, state) {
    row.querySelectorAll("button[name=state]").forEach((button) => {
      if (button.form.elements.namedItem("slot").value !== String(slot)) return;
      const own = button.classList.contains("not-today") ? "not-today" : "done";
      button.setAttribute("aria-pressed", String(state === own));
      button.value = state === own ? "open" : own;
    });
    said(row, true);  // who did it, and "not today": the server's words, back with its row
    if (!row.querySelector(".slots")) {  // the row's mark of done, in colour only (app.css)
      row.classList.toggle("tap-done", state === "done");
      row.classList.toggle("tap-open", state !== "done");
    }
  }

  function said(row, stale) {
    row.querySelectorAll(".tick-meta .who, .tag-skipped").forEach((words) => {
      words.classList.toggle("is-stale", stale);
    });
  }

  function note(row, words, refused) {
    let line = row.querySelector(".tap-note");
    if (!words) { if (line) line.remove(); return; }
    if (!line) {
      line = document.createElement("p");
      line.setAttribute("role", "status");
      row.append(line);
    }
    line.className = "tap-note" + (refused ? " is-refused" : "");
    line.textContent = words;
  }

  function snapshot(row) {
    return Array.from(row.querySelectorAll("button[name=state]"),
      (b) => [b.id, b.getAttribute("aria-pressed"), b.value]);
  }

  function restore(row, before) {
    said(row, false);
    row.classList.remove("tap-done", "tap-open");
    for (const [id, pressed, value] of before) {
      const button = document.getElementById(id);
      if (button) { button.setAttribute("aria-pressed", pressed); button.value = value; }
    }
  }

  function title(row, button) {
    const name = row.querySelector(".tick-title, .task-title");
    const what = name ? name.textContent.trim() : t("aTask", "A task");
    return row.querySelector(".slots") ? what + ", " + button.textContent.trim() : what;
  }

  document.addEventListener("submit", (event) => {
    const form = event.target;
    const button = event.submitter;
    const row = form.closest("li.task");
    if (!row || !button || !TAP_FORM.test(form.getAttribute("action") || "") || !account()
        || !usable) {
      return;
    }
    // This tap is ours, not htmx's and not the browser's.
    event.preventDefault();
    event.stopPropagation();
    const fields = Object.fromEntries(new FormData(form));
    delete fields.csrf_token;  // the current page's token is sent, never a stored one
    fields.state = button.value;
    const tap = {
      account: account(), key: newKey(), url: form.getAttribute("action"), fields,
      row: row.id, title: title(row, button), at: Date.now(), status: "waiting",
      before: snapshot(row),
    };
    show(row, fields.slot, fields.state);  // before anything else: the person sees it now
    if (!navigator.onLine) note(row, WAITING);
    save(tap).then(send, () =>
      note(row, t("unsaved", "Could not save this tap on the phone: tap again.")));
  }, true);

  // --- Sending ----------------------------------------------------------------------------
  // One sender at a time, in this tab (and across tabs where the browser has Web Locks); a
  // tap made while it runs is picked up by it or by the round it asks for.
  function send() {
    if (running) { again = true; return running; }
    running = (async () => {
      const lock = navigator.locks ? (work) => navigator.locks.request("planner-taps", work)
        : (work) => work();
      try {
        do {
          again = false;
          await lock(flush);
        } while (again);
      } finally {
        running = null;
      }
    })();
    return running;
  }

  async function flush() {
    let sent = 0;
    for (;;) {
      const taps = await mine();
      const next = taps.find((tap) => tap.status === "waiting");
      if (!next) break;
      const outcome = await deliver(next, taps);
      if (outcome === "sent") { sent += 1; continue; }
      if (outcome !== "refused") break;  // try again later, or once signed in again
    }
    render(await mine());
    if (sent) {
      tries = 0;
      if (window.htmx) window.htmx.trigger(document.body, "tasks-changed");  // the progress
      remember();
    }
  }

  async function deliver(tap, taps) {
    let response;
    try {
      response = await fetch(tap.url, {
        method: "POST",
        body: new URLSearchParams({ ...tap.fields, tap_key: tap.key }),
        credentials: "same-origin",
        headers: { "X-CSRF-Token": csrf(), "HX-Request": "true", "X-Planner-Queue": "1" },
      });
    } catch (offline) {
      return later(taps);
    }
    const row = document.getElementById(tap.row);
    const after = taps.some((other) =>
      other.seq > tap.seq && other.row === tap.row && other.status !== "refused");
    if (response.ok) {
      const html = await response.text();
      await remove(tap.seq);
      if (row && !after) swap(html);  // the server's row, unless later taps are still to go
      return "sent";
    }
    const words = (await response.text()).trim().slice(0, 300);
    if (response.status === 401 || response.status === 400) {
      // The session ended (or this page's token is from an earlier one): nothing was applied.
      // Kept, sent once this person is signed in again on a fresh page.
      const reason = response.status === 401 ? words : STALE;
      for (const each of taps) {
        if (each.status === "waiting") await save({ ...each, status: "held", reason });
      }
      if (response.status === 401) await forgetPages();
      return "held";
    }
    if (response.status >= 500 || response.status === 429 || response.status === 408) {
      return later(taps);
    }
    const reason = words || t("refused", "The planner did not take it.");
    await save({ ...tap, status: "refused", reason });
    if (row && !after) {
      restore(row, tap.before);  // as the server has it
      note(row, t("notSaved", "Not saved:") + " " + reason, true);
    }
    return "refused";
  }

  function later(taps) {
    // Taps are waiting: ask the browser not to clear this site's storage when space runs low
    // (Chrome decides without asking; other browsers may ask the person, here, in context).
    if (!tries && navigator.storage && navigator.storage.persist) {
      navigator.storage.persist().catch(() => {});
    }
    for (const each of taps) {
      const row = each.status === "waiting" && document.getElementById(each.row);
      if (row) note(row, WAITING);
    }
    clearTimeout(timer);
    timer = setTimeout(send, 1000 * RETRY_SECONDS[Math.min(tries, RETRY_SECONDS.length - 1)]);
    tries += 1;
    return "later";
  }

  function swap(html) {
    const template = document.createElement("template");
    template.innerHTML = html.trim();
    const fresh = template.content.firstElementChild;
    const old = fresh && document.getElementById(fresh.id);
    if (!old) return;
    const focused = old.contains(document.activeElement) ? document.activeElement.id : "";
    old.replaceWith(fresh);
    if (window.htmx) window.htmx.process(fresh);
    const back = focused && document.getElementById(focused);
    if (back) back.focus();
  }

  // After taps were sent, the worker keeps this page as the server now shows it (once, a
  // moment after the last of a burst of taps), so that it is right if opened offline.
  let remembering = null;
  function remember() {
    clearTimeout(remembering);
    remembering = setTimeout(() => {
      if (navigator.serviceWorker && navigator.serviceWorker.controller) {
        navigator.serviceWorker.controller.postMessage({ refresh: location.pathname });
      }
    }, 1500);
  }

  // Forget every copy of a page this phone keeps: the worker's, and htmx's own copies of this
  // tab's pages for the back button (in sessionStorage). When the session ended; the worker
  // itself forgets them when a page comes without the account (signed out) or with another.
  async function forgetPages() {
    forgetHistory();
    if (!window.caches) return;
    for (const name of await caches.keys()) {
      if (name.startsWith("planner-pages-")) await caches.delete(name);
    }
  }

  // htmx's copies are of this tab's pages: forgotten on the tab's first page of another
  // account, or of nobody signed in (after signing out), so "Back" asks the server again.
  function forgetHistory() {
    try {
      sessionStorage.removeItem("htmx-history-cache");
      sessionStorage.setItem("planner-account", account());
    } catch (e) { /* storage turned off: htmx keeps nothing either */ }
  }

  function sameAccount() {
    try {
      return sessionStorage.getItem("planner-account") === account();
    } catch (e) {
      return true;
    }
  }

  // --- What the person sees ---------------------------------------------------------------
  // Taps not yet sent show on their rows; what could not be sent, and why, in a box at the
  // top of the page, on every page, until dismissed (refused) or sent (held).
  function render(taps) {
    for (const tap of taps) {
      const row = document.getElementById(tap.row);
      if (!row || tap.status === "refused") continue;
      show(row, tap.fields.slot, tap.fields.state);
      note(row, WAITING);
    }
    const main = document.getElementById("main");
    if (!main) return;
    let box = document.getElementById("tap-queue");
    const refused = taps.filter((tap) => tap.status === "refused");
    const held = taps.filter((tap) => tap.status === "held");
    if (!refused.length && !held.length) { if (box) box.remove(); return; }
    if (!box) {
      box = document.createElement("section");
      box.id = "tap-queue";
      box.className = "tap-queue";
      box.setAttribute("aria-label", t("box", "Taps not saved"));
      const heading = main.querySelector("h1");
      if (heading) heading.after(box); else main.prepend(box);
    }
    box.replaceChildren();
    if (held.length) {
      const many = held.length === 1
        ? t("heldOne", "1 tap is saved on this phone but not sent.")
        : t("heldMany", "%(num)s taps are saved on this phone but not sent.", { num: held.length });
      const line = element("p", "tap-held", many + " " + held[0].reason + " ");
      if (held[0].reason !== STALE) {
        const link = element("a", "", t("signIn", "Sign in"));
        link.href = script.dataset.login + "?next=" + encodeURIComponent(location.pathname);
        line.append(link);
      }
      box.append(line);
    }
    if (refused.length) {
      const list = element("ul", "plain-list tap-refused", "");
      for (const tap of refused) {
        const item = element("li", "", "");
        item.append(element("strong", "", t("notSaved", "Not saved:") + " "), tap.title + " (" +
          words(tap) + ", " + t("tappedAt", "tapped at %(time)s", { time: clock(tap.at) }) +
          "). " + tap.reason + " ");
        const dismiss = element("button", "secondary", t("dismiss", "Dismiss"));
        dismiss.type = "button";
        dismiss.setAttribute("aria-label", t("dismiss", "Dismiss") + ": " + tap.title);
        dismiss.addEventListener("click", async () => {
          await remove(tap.seq);
          render(await mine());
        });
        item.append(dismiss);
        list.append(item);
      }
      box.append(list);
    }
  }

  function element(tag, className, text) {
    const made = document.createElement(tag);
    if (className) made.className = className;
    if (text) made.textContent = text;
    return made;
  }

  function words(tap) {
    return {
      done: t("done", "marked done"),
      open: t("open", "marked not done"),
      "not-today": t("notToday", "marked not today"),
    }[tap.fields.state] || t("tapped", "tapped");
  }

  function clock(ms) {
    const when = new Date(ms);
    const pad = (n) => String(n).padStart(2, "0");
    return pad(when.getHours()) + ":" + pad(when.getMinutes());
  }

  // --- When to send -----------------------------------------------------------------------
  async function start() {
    if (!sameAccount()) forgetHistory();
    if (!account()) return;
    // Held taps go again on a fresh page of the same person (signed in again, a new token).
    for (const tap of await mine()) {
      if (tap.status === "held") await save({ ...tap, status: "waiting" });
    }
    render(await mine());
    send();
  }

  database().catch(() => { usable = false; });
  window.addEventListener("online", () => { tries = 0; send(); });
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") send();
  });
  // A page changed by htmx (hx-boost): its rows and its box drawn again.
  document.addEventListener("htmx:load", (event) => {
    if (event.target === document.body) mine().then(render);
  });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }

  // The worker once the page has loaded: its install fetches files, which the page's own
  // first load on a slow network should not have to share the line with.
  if ("serviceWorker" in navigator && script && script.dataset.worker) {
    const register = () => navigator.serviceWorker.register(script.dataset.worker).catch(() => {});
    if (document.readyState === "complete") register();
    else window.addEventListener("load", register);
  }
})();
