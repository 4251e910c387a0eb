/* Service worker of the field form: the page and its assets come from the network when it answers in time,
   else from the copy kept here, so the form opens on a phone without a connection after one visit. The stored
   basemap's tiles the map has shown are kept as well, up to the size the worker's address names
   (?tiles=bytes, from GEOAPP_FIELD_TILES_MB), so the map still shows the streets without a network; and so are, at
   the page's asking, all the tiles of the walk area, shallow zooms first, until that size is reached. */
"use strict";

const CACHE = "geoapp-field-v1";
const TILES = "geoapp-field-tiles-v1";
const TIMEOUT_MS = 4000;
const TILE_BYTES = Math.max(0, Number(new URL(self.location.href).searchParams.get("tiles")) || 0);
const TILE_PATH = new URL("../tiles/", self.location.href).pathname; // geoapp's own /tiles/{z}/{x}/{y}.png
const SIZE = "X-Geoapp-Bytes"; // the header a kept tile carries its size in, so the total is read without bodies

self.addEventListener("install", () => self.skipWaiting());

self.addEventListener("activate", (event) => {
  event.waitUntil((TILE_BYTES > 0 ? Promise.resolve() : caches.delete(TILES)) // the setting keeps none now
    .then(() => caches.keys())
    .then((names) => Promise.all(names.filter((n) => n.startsWith("geoapp-field-") && n !== CACHE && n !== TILES)
      .map((n) => caches.delete(n))))
    .then(() => self.clients.claim()));
});

// The open page names what it needs (itself, its scripts, styles and the area outlines) and the tiles it showed
// before this worker took it over; keep what is missing.
self.addEventListener("message", (event) => {
  if (event.data && Array.isArray(event.data.prefetch) && event.ports[0]) {
    const reply = event.ports[0];
    event.waitUntil(prefetch(TILE_BYTES > 0 ? event.data.prefetch.filter(isTile) : [])
      .catch(() => ({ kept: 0, capped: false, missed: event.data.prefetch.length }))
      .then((answer) => reply.postMessage(answer)));
    return;
  }
  const urls = (event.data && event.data.cache) || [];
  const tiles = TILE_BYTES > 0 ? ((event.data && event.data.tiles) || []).filter(isTile) : [];
  event.waitUntil(Promise.all([
    caches.open(CACHE).then((cache) => Promise.all(urls
      .filter((url) => new URL(url, self.location.href).origin === self.location.origin)
      .map((url) => cache.match(url, { ignoreVary: true }).then((hit) => hit || cache.add(url))))),
    Promise.all(tiles.map((url) => tile(new Request(url, { credentials: "same-origin" }), () => {}).catch(() => null)))
      .then(() => keeping),
  ]));
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET" || new URL(request.url).origin !== self.location.origin) return;
  if (isTile(request.url)) event.respondWith(tile(request, (kept) => event.waitUntil(kept)).catch(() => Response.error()));
  else event.respondWith(respond(request));
});

function isTile(url) {
  const address = new URL(url, self.location.href);
  return address.origin === self.location.origin && address.pathname.startsWith(TILE_PATH);
}

function zoomOf(url) {
  return Number(new URL(url).pathname.slice(TILE_PATH.length).split("/")[0]);
}

// A tile is the same until the archive is replaced, and then its address changes (?v=): the kept copy first.
// `wait` is given the work of keeping a tile fetched now, for the event to last until it is done.
async function tile(request, wait) {
  const cache = await caches.open(TILES);
  const kept = await cache.match(request, { ignoreVary: true });
  if (kept) return kept;
  const response = await fetch(request);
  if (TILE_BYTES > 0 && response.ok && !response.redirected) {
    const copy = response.clone();
    keeping = keeping.then(() => keep(cache, request.url, copy)).catch(() => {});
    wait(keeping);
  }
  return response;
}

let index = null; // address -> {zoom, bytes} of the kept tiles, read from the cache once per start of the worker
let keeping = Promise.resolve(); // one tile is kept at a time, so the total stays right

function keptTiles(cache) {
  index = index || cache.keys().then(async (requests) => {
    const found = new Map();
    for (const request of requests) {
      const kept = await cache.match(request);
      found.set(request.url, { zoom: zoomOf(request.url), bytes: Number(kept && kept.headers.get(SIZE)) || 0 });
    }
    return found;
  });
  return index;
}

// Returns whether the tile is kept now (or was already); false when the size leaves no room for it.
async function keep(cache, url, response) {
  const tiles = await keptTiles(cache);
  if (tiles.has(url)) return true;
  const body = await response.arrayBuffer();
  const version = new URL(url).searchParams.get("v");
  for (const [old] of tiles) {
    if (new URL(old).searchParams.get("v") !== version) { // of an archive since replaced
      await cache.delete(old);
      tiles.delete(old);
    }
  }
  const zoom = zoomOf(url);
  let total = 0;
  for (const kept of tiles.values()) total += kept.bytes;
  // Past the size the deeper zooms give way: a tile as deep as every kept one, or deeper, is not kept.
  while (total + body.byteLength > TILE_BYTES) {
    let deepest = null;
    for (const [kept, about] of tiles) if (about.zoom > zoom && (!deepest || about.zoom > deepest[1].zoom)) deepest = [kept, about];
    if (!deepest) return false;
    await cache.delete(deepest[0]);
    tiles.delete(deepest[0]);
    total -= deepest[1].bytes;
  }
  const headers = { "Content-Type": response.headers.get("Content-Type") || "image/png", [SIZE]: String(body.byteLength) };
  await cache.put(url, new Response(body, { status: 200, headers }));
  tiles.set(url, { zoom, bytes: body.byteLength });
  return true;
}

// The walk area's tiles the page names (absolute addresses, in the order to keep them), fetched one at a time so the
// form's own requests are not held up, and none fetched again that is kept already. The first one the size leaves no
// room for stops the rest: they are as deep or deeper. Answers how many are kept, whether the size stopped them,
// and how many could not be fetched (no network, or not in the archive).
async function prefetch(urls) {
  const cache = await caches.open(TILES);
  const tiles = await keptTiles(cache);
  const answer = { kept: 0, capped: false, missed: 0 };
  for (const url of urls) {
    if (tiles.has(url)) {
      answer.kept += 1;
      continue;
    }
    let response;
    try {
      response = await fetch(new Request(url, { credentials: "same-origin" }));
    } catch (e) {
      answer.missed += 1;
      continue;
    }
    if (!response.ok || response.redirected) {
      answer.missed += 1;
      continue;
    }
    const done = keeping.then(() => keep(cache, url, response));
    keeping = done.catch(() => {});
    if (await done.catch(() => false)) answer.kept += 1; // a full storage quota stops it as the size does
    else {
      answer.capped = true;
      break;
    }
  }
  return answer;
}

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
