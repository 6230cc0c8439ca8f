// The service worker of /juri/: keeps the app's shell so that the app opens with the network
// off. The server prepends `const SHELL = {version, files}` (app/routers/pages.py): the
// version is a hash of the shell's files, so any change installs a fresh copy. The shell
// includes what the app shares with the dashboard, under /static/common/ (outside this
// worker's scope, but fetched by the pages it controls, so served from this cache too).
// API calls are not touched: data lives in IndexedDB, never in this cache.
/* global SHELL */

const CACHE = `konvensi-juri-${SHELL.version}`;
const INDEX = "/juri/";
const SHELL_PATHS = ["/juri/", "/static/common/"];

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      await cache.addAll(SHELL.files.map((url) => new Request(url, { cache: "reload" })));
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith("konvensi-juri-") && name !== CACHE) await caches.delete(name);
      }
      await self.clients.claim();
    })(),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (!SHELL_PATHS.some((prefix) => url.pathname.startsWith(prefix))) return;
  event.respondWith(
    (async () => {
      const cache = await caches.open(CACHE);
      // Any page of the app is the app's one page; its files by path, query ignored.
      const key = request.mode === "navigate" ? INDEX : url.pathname;
      const hit = await cache.match(key, { ignoreSearch: true });
      if (hit) return hit;
      return fetch(request);
    })(),
  );
});
