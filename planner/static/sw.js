// The planner's service worker: shows a reminder's notification and opens Today on a tap.
// Served from /sw.js so that its scope is the whole app. The payload carries no health
// details: a title, a line and the address of Today.
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
