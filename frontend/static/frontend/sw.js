// Qingfeng app service worker. Shell: cache-first, versioned. Reading: network-first, last 50 kept.
const VERSION = "qf-v17"; // v17: a bad rating says by when it is answered; v16: 我的 complaints take messages, dates in the city's zone; v15: citizens' 我的, receipts, forms, 好差评, 长辈版, 暂定 closures, website study; v14: the site link on the login screen
const SHELL = `shell-${VERSION}`;
const READ = "read-v1";
const READ_LIMIT = 50;
const S = "/static/frontend/";
const ASSETS = [
  "/app/",
  "/app/manifest.webmanifest",
  ...["app.js", "app.css", "api.js", "router.js", "i18n.js", "offline.js", "ui.js", "pow.js", "icons/icon-192.png",
    "views/common.js", "views/blocks.js", "views/home.js", "views/page.js", "views/search.js", "views/forum.js",
    "views/login.js", "views/me.js", "views/section.js", "views/complaints.js", "views/approvals.js", "views/quizzes.js", "views/study.js",
    "quizzes.css", "footer.js", "/static/css/site.css", "/static/css/elder.css", "/static/js/elder.js"].map((a) => (a.startsWith("/") ? a : S + a)),
];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(SHELL).then((c) => c.addAll(ASSETS)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith("shell-") && k !== SHELL).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

async function trim(cache) {
  const keys = await cache.keys();
  for (let i = 0; i < keys.length - READ_LIMIT; i++) await cache.delete(keys[i]);
}

async function networkFirst(request) {
  const cache = await caches.open(READ);
  try {
    const response = await fetch(request);
    if (response.ok) {
      await cache.delete(request); // re-insert so the newest read is last and the oldest is trimmed first
      await cache.put(request, response.clone());
      trim(cache);
    }
    return response;
  } catch (error) {
    const cached = await cache.match(request);
    if (cached) {
      const headers = new Headers(cached.headers);
      headers.set("X-From-Cache", "1");
      return new Response(await cached.blob(), { status: cached.status, headers });
    }
    throw error;
  }
}

async function cacheFirst(request, key) {
  const cached = await caches.match(key || request);
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok && !key) (await caches.open(SHELL)).put(request, response.clone());
  return response;
}

self.addEventListener("fetch", (event) => {
  const { request } = event;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (request.mode === "navigate" && url.pathname.startsWith("/app")) {
    event.respondWith(cacheFirst(request, "/app/"));
  } else if (url.pathname.startsWith(S) || url.pathname === "/static/css/site.css") {
    event.respondWith(cacheFirst(request));
  } else if (url.pathname.startsWith("/admin") || url.pathname === "/app/sw.js") {
    return;
  } else {
    // GraphQL queries (sent as GET), server pages read through the app, images.
    event.respondWith(networkFirst(request));
  }
});
