// The planner's service worker, served from /sw.js so that its scope is the whole app.
//
// 1. Keeps what a phone needs without a network (issue 23): the static files every page loads,
//    and the signed-in person's last Today and urgent-symptoms page, with the time they came.
//    Offline, those pages are shown marked "Offline: shown as of HH:MM".
// 2. Shows a reminder's notification and opens Today on a tap (web push).
//
// Kept pages are filed under the account that saw them (the X-Planner-Account header, an HMAC
// of the account's id, never its name or email), in a cache of that account alone: keeping a
// page of one account throws away every other account's, and a page that comes without an
// account (signed out, session ended) throws away all of them. The page's script
// (offline.js) also forgets them when the server refuses a tap because the session ended.
// The pages keep "Cache-Control: no-store": that tells the browser's HTTP cache and proxies not
// to keep them; this cache is the app's own storage, on this phone, under our rules.
"use strict";

const ASSETS = /* ASSETS */ [];  // filled in by the server: fingerprinted URLs
const STATIC = "planner-static-" + hash(ASSETS.join(" "));
const PAGES = "planner-pages-";  // + the account's key
const PUBLIC = "planner-public";  // the urgent-symptoms page as anyone sees it, signed out
const ROOT = new URL(self.registration.scope).pathname;  // "/", or the app's path prefix
// The pages kept, as paths under ROOT: a household's Today, the urgent symptoms, the start page.
const KEPT = /^(h\/\d+\/today|red-flags)$/;
const START = "today";  // the installed app's start address: the last Today kept

function hash(text) {
  let h = 0;
  for (let i = 0; i < text.length; i++) h = (Math.imul(31, h) + text.charCodeAt(i)) | 0;
  return (h >>> 0).toString(36);
}

function path(url) {
  const pathname = new URL(url, self.location.origin).pathname;
  return pathname.startsWith(ROOT) ? pathname.slice(ROOT.length) : null;
}

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(STATIC);
    await cache.addAll(ASSETS);
    // The urgent symptoms as anyone sees them, for a phone that is offline and signed out.
    try {
      const response = await fetch(ROOT + "red-flags", { credentials: "omit" });
      const open = await caches.open(PUBLIC);
      if (response.ok) await open.put(ROOT + "red-flags", stamp(response, await response.text()));
    } catch (e) { /* the network is away: kept at the next install */ }
    await self.skipWaiting();
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith("planner-static-") && name !== STATIC) await caches.delete(name);
    }
    if (self.registration.navigationPreload) await self.registration.navigationPreload.enable();
    await self.clients.claim();
    // The page open when the worker first starts came before it: keep it now.
    for (const client of await self.clients.matchAll({ type: "window" })) {
      if (KEPT.test(path(client.url))) await refresh(client.url);
    }
  })());
});

self.addEventListener("message", (event) => {
  // offline.js, after taps were sent: keep the page as the server now shows it.
  if (event.data && event.data.refresh && KEPT.test(path(event.data.refresh))) {
    event.waitUntil(refresh(event.data.refresh));
  }
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || request.method !== "GET") return;
  if (url.pathname.startsWith(ROOT + "static/")) {
    event.respondWith(staticFile(request));
  } else if (request.mode === "navigate" || request.headers.get("HX-Boosted")) {
    // A whole page: a link followed or a page reloaded, with htmx's hx-boost or without.
    event.respondWith(page(event));
  }
});

async function staticFile(request) {
  const cache = await caches.open(STATIC);
  const kept = await cache.match(request);
  if (kept) return kept;
  try {
    const response = await fetch(request);
    const versioned = new URL(request.url).searchParams.has("v");
    if (response.ok && versioned) cache.put(request, response.clone());
    return response;
  } catch (offline) {
    // A kept page from before the files changed names an older version: the current one.
    const current = await cache.match(request, { ignoreSearch: true });
    if (current) return current;
    throw offline;
  }
}

async function page(event) {
  let response;
  try {
    response = (await event.preloadResponse) || (await fetch(event.request));
  } catch (offline) {
    return (await keptPage(event.request.url)) || offlinePage();
  }
  event.waitUntil(keep(response.clone()));
  return response;
}

async function refresh(url) {
  try {
    await keep(await fetch(url, { credentials: "same-origin" }));
  } catch (offline) { /* kept as it was */ }
}

// Keep a page the server sent, under its account; or forget every kept page if it came
// without one: nobody is signed in here any more.
async function keep(response) {
  if (response.type !== "basic" || !response.ok) return;
  if (!(response.headers.get("Content-Type") || "").startsWith("text/html")) return;
  const account = response.headers.get("X-Planner-Account");
  for (const name of await caches.keys()) {
    if (name.startsWith(PAGES) && name !== PAGES + account) await caches.delete(name);
  }
  const where = path(response.url);
  if (!account || !KEPT.test(where)) return;
  const cache = await caches.open(PAGES + account);
  const kept = stamp(response, await response.text());
  await cache.put(ROOT + where, kept.clone());
  if (where !== "red-flags") await cache.put(ROOT + START, kept);
}

// The page with the moment it came, to say how old it is when shown offline.
function stamp(response, html) {
  const headers = new Headers(response.headers);
  headers.delete("Content-Encoding");  // the text is kept as read, no longer gzipped
  headers.delete("Content-Length");
  headers.set("X-Planner-Kept-At", String(Date.now()));
  return new Response(html, { status: 200, headers });
}

async function keptPage(url) {
  const where = path(url);
  if (where === null) return null;
  for (const name of await caches.keys()) {
    if (!name.startsWith(PAGES)) continue;
    const found = await (await caches.open(name)).match(ROOT + where);
    if (found) return marked(found);
  }
  const open = await (await caches.open(PUBLIC)).match(ROOT + where);
  return open ? marked(open) : null;
}

// The words of a kept page's language (planner/web/js_words.py: the data-words of its
// offline.js tag, and its <html lang>), so that what is added to it offline speaks as it does.
const ENTITIES = {
  "&#34;": '"', "&quot;": '"', "&#39;": "'", "&lt;": "<", "&gt;": ">", "&amp;": "&",
};
const ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" };
function pageWords(html) {
  const found = /offline\.js[^>]*data-words="([^"]*)"/.exec(html);
  const lang = (/<html lang="([^"]*)"/.exec(html) || [])[1] || "en";
  let words = {};
  try {
    const raw = found ? found[1] : "{}";
    words = JSON.parse(raw.replace(/&#34;|&quot;|&#39;|&lt;|&gt;|&amp;/g, (e) => ENTITIES[e]));
  } catch (e) {
    words = {};
  }
  const escape = (s) => String(s).replace(/[&<>"]/g, (c) => ESCAPES[c]);
  const t = (key, english, fill = {}) =>
    escape((words[key] || english).replace(/%\((\w+)\)s/g, (_, name) => fill[name]));
  return { t, lang };
}

// The kept page with a line at the top of its main region saying when it is from.
async function marked(response) {
  const html = await response.text();
  const { t, lang } = pageWords(html);
  const time = asOf(Number(response.headers.get("X-Planner-Kept-At")), t, lang);
  const note = '<p class="offline-note" role="status">' +
    t("offlineAsOf", "Offline: shown as of %(time)s.", { time }) + " " +
    t("offlineTaps", "Taps are saved on this phone and sent when the connection is back.") + "</p>";
  const headers = new Headers(response.headers);
  headers.set("X-Planner-Offline", "1");
  return new Response(html.replace(/(<main\b[^>]*>)/, "$1" + note), { status: 200, headers });
}

function asOf(ms, t, lang) {
  const when = new Date(ms);
  const pad = (n) => String(n).padStart(2, "0");
  const time = pad(when.getHours()) + ":" + pad(when.getMinutes());
  if (when.toDateString() === new Date().toDateString()) return time;
  const day = { weekday: "short", day: "numeric", month: "short" };
  const said = when.toLocaleDateString(lang === "en" ? "en-GB" : lang, day);
  return time + " " + t("offlineOn", "on %(day)s", { day: said });
}

async function offlinePage() {
  const today = await keptPage(ROOT + START);
  const css = ASSETS.find((a) => a.includes("app.css")) || "";
  // In the language of the last Today kept on this phone (its reader's own), else English.
  const { t, lang } = pageWords(today ? await today.clone().text() : "");
  const gone = t("offlineBody",
    "This page is not kept on this phone. It opens again when the connection is back.");
  const html = '<!doctype html><html lang="' + lang + '"><head><meta charset="utf-8">' +
    '<meta name="viewport" content="width=device-width, initial-scale=1">' +
    "<title>" + t("offlineTitle", "You are offline") + "</title>" +
    '<link rel="stylesheet" href="' + css + '"></head>' +
    '<body><main id="main"><h1>' + t("offlineTitle", "You are offline") + "</h1>" +
    "<p>" + gone + "</p>" + '<ul class="plain-list">' +
    (today ? '<li><a href="' + ROOT + START + '">' + t("offlineToday", "Today, as last seen") +
      "</a></li>" : "") +
    '<li><a href="' + ROOT + 'red-flags">' +
    t("offlineUrgent", "Urgent symptoms: what to do now") + "</a></li></ul>" +
    "</main></body></html>";
  return new Response(html, {
    status: 503,
    headers: { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" },
  });
}

// Web push: the payload carries no health details: a title, a line and the address of Today.
self.addEventListener("push", (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch (e) {
    data = {};
  }
  const title = data.title || "Your plan";
  event.waitUntil(self.registration.showNotification(title, {
    body: data.body || "Open the planner to see it.",
    data: { url: data.url || "/" },
    tag: data.url || "planner",
  }));
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const url = new URL(event.notification.data.url || "/", self.location.origin).href;
  event.waitUntil((async () => {
    const open = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
    for (const client of open) {
      if (client.url === url && "focus" in client) {
        return client.focus();
      }
    }
    return self.clients.openWindow(url);
  })());
});
