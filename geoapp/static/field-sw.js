/* Service worker of the field form: the page and its assets come from the network when it answers in time,
   else from the copy kept here, so the form opens on a phone without a connection after one visit. */
"use strict";

const CACHE = "geoapp-field-v1";
const TIMEOUT_MS = 4000;

self.addEventListener("install", () => self.skipWaiting());

self.addEventListener("activate", (event) => {
  event.waitUntil(caches.keys()
    .then((names) => Promise.all(names.filter((n) => n.startsWith("geoapp-field-") && n !== CACHE).map((n) => caches.delete(n))))
    .then(() => self.clients.claim()));
});

// The open page names what it needs (itself, its scripts, styles and the area outlines); keep what is missing.
self.addEventListener("message", (event) => {
  const urls = (event.data && event.data.cache) || [];
  event.waitUntil(caches.open(CACHE).then((cache) => Promise.all(urls
    .filter((url) => new URL(url, self.location.href).origin === self.location.origin)
    .map((url) => cache.match(url, { ignoreVary: true }).then((hit) => hit || cache.add(url))))));
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET" || new URL(request.url).origin !== self.location.origin) return;
  event.respondWith(respond(request));
});

async function respond(request) {
  const cache = await caches.open(CACHE);
  const options = { ignoreVary: true, ignoreSearch: request.mode === "navigate" };
  const kept = await cache.match(request, options);
  const network = fetch(request).then((response) => {
    // Only what is kept already is refreshed, and never with a redirect (to the login page) or an error.
    if (kept && response.ok && !response.redirected) cache.put(request, response.clone());
    return response;
  });
  if (!kept) return network;
  const slow = new Promise((resolve) => setTimeout(() => resolve(kept), TIMEOUT_MS));
  return Promise.race([network.catch(() => kept), slow]);
}
