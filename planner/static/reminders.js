// Turning web push on and off for this device, on the Reminders page. Progressive: where the
// browser has no push (or the page is not served over HTTPS or from localhost) the buttons
// stay hidden and the page says why; the rest of the form works without this script.
(function () {
  // The page's words for what this script says (planner/web/js_words.py), else English.
  const script = document.currentScript;
  const WORDS = JSON.parse((script && script.dataset.words) || "{}");
  const t = (key, english, fill = {}) =>
    (WORDS[key] || english).replace(/%\((\w+)\)s/g, (_, name) => fill[name]);
  const box = document.getElementById("push-devices");
  if (!box || !box.dataset.key) return;
  const on = document.getElementById("push-on");
  const off = document.getElementById("push-off");
  const status = document.getElementById("push-status");
  const csrf = JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRF-Token"];

  function say(text) { status.textContent = text; }

  if (!("serviceWorker" in navigator) || !("PushManager" in window) || !window.isSecureContext) {
    say(t("cannot", "This browser cannot take notifications here. Email still works."));
    return;
  }

  function keyBytes(base64) {
    const padded = (base64 + "===".slice((base64.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
  }

  async function post(url, fields) {
    const body = new FormData();
    for (const [name, value] of Object.entries(fields)) body.append(name, value);
    const response = await fetch(url, {
      method: "POST", body, credentials: "same-origin",
      headers: { "X-CSRF-Token": csrf, "X-Requested-With": "fetch" },
    });
    if (!response.ok) {
      const status = response.status;
      throw new Error(t("answered", "The planner answered %(status)s", { status }));
    }
  }

  async function show() {
    const registration = await navigator.serviceWorker.register("/sw.js", { scope: "/" });
    const current = await registration.pushManager.getSubscription();
    on.hidden = Boolean(current);
    off.hidden = !current;
    return registration;
  }

  on.addEventListener("click", async () => {
    try {
      const permission = await Notification.requestPermission();
      if (permission !== "granted") {
        say(t("denied",
          "Notifications were not allowed. You can allow them in the browser's site settings."));
        return;
      }
      const registration = await navigator.serviceWorker.ready;
      const subscription = await registration.pushManager.subscribe({
        userVisibleOnly: true, applicationServerKey: keyBytes(box.dataset.key),
      });
      await post(box.dataset.subscribe, { subscription: JSON.stringify(subscription) });
      say(t("on", "Notifications are on for this device."));
      document.querySelector("input[name=push]").checked = true;
      await show();
    } catch (e) {
      say(t("notOn", "Notifications could not be turned on: %(why)s", { why: e.message }));
    }
  });

  off.addEventListener("click", async () => {
    try {
      const registration = await navigator.serviceWorker.ready;
      const subscription = await registration.pushManager.getSubscription();
      if (subscription) {
        await post(box.dataset.remove, { endpoint: subscription.endpoint });
        await subscription.unsubscribe();
      }
      say(t("off", "Notifications are off for this device."));
      await show();
    } catch (e) {
      say(t("notOff", "Notifications could not be turned off: %(why)s", { why: e.message }));
    }
  });

  show().catch(() =>
    say(t("cannot", "This browser cannot take notifications here. Email still works.")));
})();
