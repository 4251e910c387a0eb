/* The field form: each observation is kept on the phone first, then sent exactly once when the network allows. */
(function () {
  "use strict";

  const form = document.getElementById("field-form");
  if (!form) return;
  const data = form.dataset;
  const lang = document.documentElement.lang || "sv";
  const QUEUE = "geoapp.field.queue";
  const WALK = "geoapp.field.walk";
  const RETRY_MS = 15000;
  const SEND_TIMEOUT_MS = 20000; // a stalled connection is given up and tried again; the key prevents a double
  const KEEP_BATCH = 16; // tiles of the walk area asked for at a time, so the count moves and the worker is not held long
  const KEEP_TIMEOUT_MS = 120000;
  const AREA_STYLE = { color: "#374151", weight: 1, fillOpacity: 0.03 };
  const $ = (id) => document.getElementById(id);
  const walkInput = $("walk");
  const placeText = $("place-text");
  const problemBox = $("form-problem");
  let csrf = document.querySelector('meta[name="csrf-token"]').content;
  let sending = false;
  let sendAgain = false;
  let gps = null; // the latest fix: {lat, lon, accuracy}
  let chosen = null; // a point picked on the map; it wins over the GPS until the entry is saved
  let gpsProblem = null;
  let map = null;
  let marker = null;
  let circle = null;
  let centred = false;

  // Every visible sentence comes from the page's data-text-* attributes, so it is translated with the page.
  function text(name, values) {
    const key = "text" + name.split("-").map((w) => w[0].toUpperCase() + w.slice(1)).join("");
    return (data[key] || "").replace(/\{(\w+)\}/g, (m, k) => (values && k in values ? values[k] : m));
  }

  const number = (x, digits) => x.toLocaleString(lang, { minimumFractionDigits: digits, maximumFractionDigits: digits });
  const clock = (d) => d.toLocaleTimeString(lang, { hour: "2-digit", minute: "2-digit" });

  function loadQueue() {
    try {
      return JSON.parse(localStorage.getItem(QUEUE)) || [];
    } catch (e) {
      return [];
    }
  }

  function saveQueue(queue) {
    localStorage.setItem(QUEUE, JSON.stringify(queue));
  }

  function forget(key) {
    saveQueue(loadQueue().filter((e) => e.idempotency_key !== key));
  }

  function newKey() {
    if (crypto.randomUUID) return crypto.randomUUID();
    // Pages served over plain HTTP (not localhost) have no randomUUID; build a version 4 UUID the same way.
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
    return [h.slice(0, 8), h.slice(8, 12), h.slice(12, 16), h.slice(16, 20), h.slice(20)].join("-");
  }

  function isoWithOffset(d) {
    const pad = (n) => String(Math.abs(n)).padStart(2, "0");
    const offset = -d.getTimezoneOffset();
    const zone = (offset >= 0 ? "+" : "-") + pad(Math.trunc(offset / 60)) + ":" + pad(offset % 60);
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()) + "T" + pad(d.getHours()) + ":" +
      pad(d.getMinutes()) + ":" + pad(d.getSeconds()) + zone;
  }

  function showWaiting() {
    const count = loadQueue().length;
    $("waiting").textContent = count ? text("waiting", { n: count }) : text("all-sent");
  }

  function say(message) {
    $("result").textContent = message;
  }

  function showPlace() {
    const place = chosen || gps;
    if (chosen) placeText.textContent = text("map", { lat: number(chosen.lat, 5), lon: number(chosen.lon, 5) });
    else if (gps) {
      placeText.textContent = text("gps", { lat: number(gps.lat, 5), lon: number(gps.lon, 5), accuracy: Math.round(gps.accuracy) });
    } else placeText.textContent = gpsProblem || text("gps-wait");
    if (!map || !place) return;
    const at = [place.lat, place.lon];
    if (marker) marker.setLatLng(at);
    else {
      marker = L.circleMarker(at, { radius: 9, color: "#1e3a8a", weight: 3, fillColor: "#f59e0b", fillOpacity: 0.9, interactive: false });
      marker.addTo(map);
    }
    if (circle) circle.remove();
    circle = chosen ? null : L.circle(at, { radius: gps.accuracy, color: "#1e3a8a", weight: 1, fillOpacity: 0.08, interactive: false }).addTo(map);
    if (!centred) {
      // Close enough to see the streets around the fix, never closer than its accuracy allows.
      if (circle) map.fitBounds(circle.getBounds(), { maxZoom: 17, padding: [24, 24] });
      else map.setView(at, Math.max(map.getZoom(), 16));
      centred = true;
    }
  }

  function choose(latlng) {
    chosen = { lat: latlng.lat, lon: latlng.lng };
    showPlace();
  }

  function watchGps() {
    if (!("geolocation" in navigator)) {
      gpsProblem = text("gps-missing");
      showPlace();
      return;
    }
    navigator.geolocation.watchPosition((position) => {
      const c = position.coords;
      gps = { lat: c.latitude, lon: c.longitude, accuracy: c.accuracy };
      gpsProblem = null;
      showPlace();
    }, (error) => {
      const reasons = { 1: "gps-denied", 2: "gps-unavailable", 3: "gps-timeout" };
      gpsProblem = text("gps-failed", { reason: text(reasons[error.code] || "gps-unavailable") });
      showPlace();
    }, { enableHighAccuracy: true, maximumAge: 5000, timeout: 60000 });
  }

  function setUpMap() {
    if (!window.L) return;
    map = L.map("field-map", { zoomSnap: 0.5, zoomControl: false }).fitBounds(JSON.parse(data.bounds));
    L.control.zoom({ zoomInTitle: text("zoom-in"), zoomOutTitle: text("zoom-out") }).addTo(map);
    const options = Object.assign({ maxZoom: 19, attribution: data.attribution }, JSON.parse(data.tileOptions || "{}"));
    if (data.tiles) L.tileLayer(data.tiles, options).addTo(map);
    else map.attributionControl.addAttribution(data.attribution);
    L.control.scale({ imperial: false }).addTo(map);
    map.on("click", (e) => choose(e.latlng));
    fetch(data.areas, { credentials: "same-origin" })
      .then((r) => (r.ok ? r.json() : null))
      .then((areas) => {
        if (areas) L.geoJSON(areas, { filter: (f) => f.properties.kind === "regso", style: AREA_STYLE, interactive: false }).addTo(map);
      })
      .catch(() => {}); // offline on a first visit: the map works without the outlines
  }

  function readEntry() {
    const walk = walkInput.value.trim().replace(/\s+/g, " ");
    const category = form.querySelector('input[name="category"]:checked');
    const place = chosen || gps;
    const problems = [];
    if (!walk) problems.push([walkInput, text("need-walk")]);
    if (!category) problems.push([form.querySelector('input[name="category"]'), text("need-category")]);
    if (!place) problems.push([$("use-centre"), text("need-place")]);
    walkInput.setAttribute("aria-invalid", walk ? "false" : "true");
    problemBox.textContent = problems.map((p) => p[1]).join(" ");
    problemBox.hidden = problems.length === 0;
    if (problems.length) {
      problems[0][0].focus();
      return null;
    }
    const severity = form.querySelector('input[name="severity"]:checked').value;
    return {
      idempotency_key: newKey(),
      walk: walk,
      observed_at: isoWithOffset(new Date()),
      lat: Math.round(place.lat * 1e7) / 1e7,
      lon: Math.round(place.lon * 1e7) / 1e7,
      accuracy_m: chosen ? null : Math.round(gps.accuracy * 10) / 10,
      category: category.value,
      severity: severity ? Number(severity) : null,
      positive: $("positive").checked ? true : null,
      comment: $("comment").value.trim() || null,
    };
  }

  function clearEntry() {
    form.querySelectorAll('input[name="category"]').forEach((r) => { r.checked = false; });
    form.querySelector('input[name="severity"][value=""]').checked = true;
    $("positive").checked = false;
    $("comment").value = "";
    chosen = null;
    showPlace();
  }

  async function refreshToken() {
    try {
      const response = await fetch(data.page, { credentials: "same-origin", cache: "no-store" });
      if (!response.ok || response.redirected) return false;
      const page = new DOMParser().parseFromString(await response.text(), "text/html");
      const meta = page.querySelector('meta[name="csrf-token"]');
      if (meta) csrf = meta.content;
      return Boolean(meta);
    } catch (e) {
      return false;
    }
  }

  // Returns true to go on with the next waiting entry, false to stop until the next attempt.
  async function post(entry, retried) {
    let response;
    try {
      response = await fetch(data.api, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrf },
        body: JSON.stringify(entry),
        signal: AbortSignal.timeout(SEND_TIMEOUT_MS),
      });
    } catch (e) {
      return false; // no network, or it dropped or stalled: the entry stays for the next attempt
    }
    const body = await response.json().catch(() => ({}));
    if (response.status === 200 || response.status === 201) {
      forget(entry.idempotency_key);
      $("relogin").hidden = true;
      say(text(body.duplicate ? "duplicate" : "sent", { time: clock(new Date()) }));
      return true;
    }
    if (response.status === 422) {
      forget(entry.idempotency_key);
      say(text("rejected", { errors: (body.errors || []).map((e) => e.message).join("; ") }));
      return true;
    }
    if (response.status === 400 && body.status === "csrf" && !retried && await refreshToken()) return post(entry, true);
    if ((response.status === 400 && body.status === "csrf") || response.status === 401 || response.status === 403) {
      $("relogin").hidden = false;
    } else say(text("retry", { status: response.status }));
    return false;
  }

  async function send() {
    if (sending) {
      sendAgain = true;
      return;
    }
    sending = true;
    try {
      for (const entry of loadQueue()) {
        if (!navigator.onLine || !await post(entry, false)) break;
        showWaiting();
      }
    } finally {
      sending = false;
      showWaiting();
    }
    if (sendAgain) {
      sendAgain = false;
      send();
    }
  }

  // Asks the worker to keep some of the walk area's tiles; answers {kept, capped, missed}. A worker stopped on the
  // way never answers: after a while those tiles count as not kept, for the next visit to keep.
  function askToKeep(worker, urls) {
    return new Promise((resolve) => {
      const channel = new MessageChannel();
      const late = setTimeout(() => resolve({ kept: 0, capped: false, missed: urls.length }), KEEP_TIMEOUT_MS);
      channel.port1.onmessage = (event) => {
        clearTimeout(late);
        resolve(event.data);
      };
      worker.postMessage({ prefetch: urls }, [channel.port2]);
    });
  }

  // Every tile of the walk area is kept in the background, a few at a time, while the page says how far it has come;
  // the form is usable all the while.
  async function keepWalkArea(worker) {
    const status = $("offline-map");
    if (!data.walkTiles || !data.tiles || !status) return;
    let list;
    try {
      const response = await fetch(data.walkTiles, { credentials: "same-origin", headers: { "Accept": "application/json" } });
      if (!response.ok || response.redirected) return;
      list = await response.json();
    } catch (e) {
      return; // offline on a first visit: only the tiles shown are kept
    }
    if (!list.total) return;
    const address = (t) => new URL(data.tiles.replace("{z}", t[0]).replace("{x}", t[1]).replace("{y}", t[2]), location.href).href;
    const urls = list.tiles.map(address);
    let kept = 0;
    let missed = 0;
    let capped = list.capped;
    const show = (state) => {
      status.hidden = false;
      status.dataset.state = state;
      status.setAttribute("aria-busy", String(state === "working")); // read out once, when it is done
      status.textContent = text("offline-" + state, { kept: kept.toLocaleString(lang), total: list.total.toLocaleString(lang), mb: data.tilesMb });
    };
    show("working");
    for (let i = 0; i < urls.length; i += KEEP_BATCH) {
      const answer = await askToKeep(worker, urls.slice(i, i + KEEP_BATCH));
      kept += answer.kept;
      missed += answer.missed;
      if (answer.capped) {
        capped = true;
        break;
      }
      show("working");
    }
    show(missed ? "incomplete" : capped ? "capped" : "done");
  }

  function installWorker() {
    if (!("serviceWorker" in navigator)) return;
    navigator.serviceWorker.register(data.worker, { scope: data.page })
      .then(() => navigator.serviceWorker.ready)
      .then((registration) => {
        const assets = document.querySelectorAll("script[src], link[rel='stylesheet'], link[rel='icon']");
        // The list of the walk area's tiles too, so that offline the page still says how many are kept.
        const urls = [data.page, data.areas, ...(data.walkTiles ? [data.walkTiles] : []), ...Array.from(assets, (el) => el.src || el.href)];
        // The tiles shown before the worker took over the page are kept too (the worker keeps later ones itself).
        const tiles = Array.from(document.querySelectorAll("#field-map .leaflet-tile-pane img"), (img) => img.src);
        registration.active.postMessage({ cache: urls, tiles });
        keepWalkArea(registration.active);
      })
      .catch(() => {}); // without a worker the open page still keeps and sends entries
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    say(""); // an earlier "sent and stored" must not stand next to this entry's problems
    const entry = readEntry();
    if (!entry) return;
    saveQueue(loadQueue().concat([entry]));
    localStorage.setItem(WALK, entry.walk);
    clearEntry();
    showWaiting();
    say(text("kept", { time: clock(new Date()) }));
    send();
  });
  walkInput.value = localStorage.getItem(WALK) || "";
  walkInput.addEventListener("change", () => localStorage.setItem(WALK, walkInput.value.trim()));
  $("use-gps").addEventListener("click", () => {
    chosen = null;
    centred = false;
    showPlace();
  });
  $("use-centre").addEventListener("click", () => { if (map) choose(map.getCenter()); });
  window.addEventListener("online", send);
  window.addEventListener("storage", (event) => { if (event.key === QUEUE) showWaiting(); });
  setInterval(send, RETRY_MS);
  setUpMap();
  watchGps();
  showWaiting();
  send();
  installWorker();
})();
