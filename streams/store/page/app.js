// newswatch live events page: lists /api/events, follows /api/stream (server-sent events) or polls.
// When the API needs a bearer token the page asks for it once per tab (sessionStorage), sends it as an
// Authorization header and polls, because EventSource cannot send headers.
// Every text from the API is untrusted article text: it is only ever set with textContent, never as HTML.
// views.js draws the timeline, map and graph through window.newswatchPage (filters, range, change hooks).
"use strict";

(function () {
  const PAGE_SIZE = 50;
  const POLL_MS = 5000;
  const NEW_MS = 15000;
  const list = document.getElementById("events");
  const form = document.getElementById("filters");
  const statusLine = document.getElementById("status");
  const summaryLine = document.getElementById("summary");
  const errorLine = document.getElementById("error");
  const moreButton = document.getElementById("more");
  const tokenForm = document.getElementById("token-form");
  const tokenInput = document.getElementById("token");
  const TOKEN_KEY = "newswatch-api-token";
  const state = { cursor: 0, total: 0, nextOffset: null, source: null, pollTimer: null, generation: 0,
                  range: null };
  const changeHooks = [];
  const byId = new Map();

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function safeLink(url, label) {
    // Only http(s) links become anchors; javascript:, data: and the like stay plain text.
    let parsed = null;
    try { parsed = new URL(String(url), window.location.href); } catch (err) { parsed = null; }
    if (!parsed || (parsed.protocol !== "http:" && parsed.protocol !== "https:")) {
      return el("span", "link-text", label || url);
    }
    const a = el("a", null, label || parsed.href);
    a.href = parsed.href;
    a.rel = "noopener noreferrer nofollow";
    return a;
  }

  function storedToken() {
    try { return window.sessionStorage.getItem(TOKEN_KEY) || ""; } catch (err) { return ""; }
  }

  function askForToken() {
    statusLine.textContent = "Token needed";
    if (!tokenForm.hidden) return;
    tokenForm.hidden = false;
    tokenInput.focus();
  }

  // GET an API path with the stored token, if any; a 401 asks for a (new) token.
  async function apiFetch(path) {
    const headers = { Accept: "application/json" };
    const token = storedToken();
    if (token) headers.Authorization = "Bearer " + token;
    const response = await fetch(path, { headers: headers });
    if (response.status === 401) askForToken();
    return response;
  }

  // The form's filters; the list (not the views) also takes the range brushed on the timeline.
  function formFilters() {
    const data = new FormData(form);
    const params = new URLSearchParams();
    for (const name of ["q", "type", "country"]) {
      const value = String(data.get(name) || "").trim();
      if (value) params.set(name, value);
    }
    return params;
  }

  function filters() {
    const params = formFilters();
    if (state.range) {
      params.set("since", state.range.since);
      params.set("until", state.range.until);
    }
    return params;
  }

  function changed(kind) {
    for (const hook of changeHooks) {
      try { hook(kind); } catch (err) { /* a view's failure must not stop the list */ }
    }
  }

  function names(event) {
    if (event.participants && event.participants.length) {
      return event.participants.map((p) => p.name + (p.country ? " (" + p.country + ")" : "")).join(" – ");
    }
    return event.conflict || "";
  }

  function sortKey(event) {
    return [event.date || "", event.last_reported || "", event.seq || 0];
  }

  function newer(a, b) {
    const ka = sortKey(a), kb = sortKey(b);
    for (let i = 0; i < ka.length; i++) {
      if (ka[i] > kb[i]) return true;
      if (ka[i] < kb[i]) return false;
    }
    return false;
  }

  function renderSummary(event) {
    const summary = el("summary");
    const meta = el("div", "meta");
    meta.appendChild(el("span", "badge", event.type.replace(/_/g, " ")));
    if (event.severity && event.severity !== "info") {
      meta.appendChild(el("span", "badge sev-" + event.severity.replace(/[^a-z]/g, ""), event.severity));
    }
    const time = el("time", null, event.date);
    time.dateTime = event.date;
    meta.appendChild(time);
    if (event.place && event.place.name) {
      meta.appendChild(el("span", "place", " · " + event.place.name + (event.place.country ? " (" + event.place.country + ")" : "")));
    }
    meta.appendChild(document.createTextNode(" · " + event.source_count + " source" +
      (event.source_count === 1 ? "" : "s") + " · " + event.report_count + " report" +
      (event.report_count === 1 ? "" : "s")));
    summary.appendChild(meta);
    summary.appendChild(el("div", "headline", event.headline || names(event) || event.type));
    summary.appendChild(el("div", "who", names(event)));
    return summary;
  }

  function renderDetail(body, detail) {
    body.replaceChildren();
    if (detail.conflict) body.appendChild(el("p", null, "Conflict: " + detail.conflict));
    if (detail.place && detail.place.name) {
      const at = typeof detail.place.latitude === "number" && typeof detail.place.longitude === "number"
        ? " at " + detail.place.latitude.toFixed(3) + ", " + detail.place.longitude.toFixed(3) : "";
      body.appendChild(el("p", "place", "Place: " + detail.place.name +
        (detail.place.country ? " (" + detail.place.country + ")" : "") + at));
    }
    if (detail.sources && detail.sources.length) {
      body.appendChild(el("p", null, "Sources: " + detail.sources.join(", ")));
    }
    body.appendChild(el("h3", null, "Evidence"));
    const reports = el("ul", "reports");
    for (const report of detail.reports || []) {
      const item = el("li");
      item.appendChild(el("blockquote", null, report.sentence));
      const cite = el("p", "meta");
      cite.appendChild(document.createTextNode((report.source || "source") + " · "));
      cite.appendChild(safeLink(report.url, report.url));
      if (report.published) cite.appendChild(document.createTextNode(" · " + report.published.slice(0, 10)));
      item.appendChild(cite);
      reports.appendChild(item);
    }
    body.appendChild(reports);
    if (detail.deliveries && detail.deliveries.length) {
      body.appendChild(el("h3", null, "Alert deliveries"));
      const deliveries = el("ul", "deliveries");
      for (const d of detail.deliveries) {
        const text = d.sink + ": " + d.outcome + " after " + d.attempts + " attempt(s)" + (d.error ? " – " + d.error : "");
        deliveries.appendChild(el("li", null, text));
      }
      body.appendChild(deliveries);
    }
  }

  async function loadDetail(event, body) {
    body.replaceChildren(el("p", "meta", "Loading evidence…"));
    try {
      const response = await apiFetch("/api/events/" + encodeURIComponent(event.id));
      if (!response.ok) throw new Error("HTTP " + response.status);
      renderDetail(body, await response.json());
    } catch (err) {
      body.replaceChildren(el("p", "error", "Could not load the evidence (" + err.message + ")."));
    }
  }

  function renderEvent(event, item) {
    const node = item || el("li", "event");
    const wasOpen = !!(item && item.querySelector("details[open]"));
    node.dataset.id = event.id;
    node.replaceChildren();
    const details = el("details");
    const body = el("div", "body");
    details.appendChild(renderSummary(event));
    details.appendChild(body);
    details.addEventListener("toggle", () => { if (details.open) loadDetail(event, body); });
    node.appendChild(details);
    if (wasOpen) details.open = true;
    return node;
  }

  function place(event, isNew) {
    const known = byId.get(event.id);
    const node = renderEvent(event, known ? known.node : null);
    byId.set(event.id, { event: event, node: node });
    if (node.parentNode) node.parentNode.removeChild(node);
    let before = null;
    for (const child of list.children) {
      const other = byId.get(child.dataset.id);
      if (other && newer(event, other.event)) { before = child; break; }
    }
    list.insertBefore(node, before);
    if (isNew) {
      node.classList.add("is-new");
      window.setTimeout(() => node.classList.remove("is-new"), NEW_MS);
    }
  }

  function showSummary() {
    const shown = list.children.length;
    summaryLine.textContent = shown + " of " + state.total + " event" + (state.total === 1 ? "" : "s") + " shown" +
      (state.range ? " from " + state.range.since + " to " + state.range.until : "");
    moreButton.hidden = state.nextOffset === null;
  }

  function showError(message) {
    errorLine.textContent = message || "";
    errorLine.hidden = !message;
  }

  async function fetchPage(offset) {
    const params = filters();
    params.set("limit", String(PAGE_SIZE));
    params.set("offset", String(offset));
    const response = await apiFetch("/api/events?" + params.toString());
    const body = await response.json();
    if (!response.ok) {
      throw new Error(body && body.error ? body.error.message + (body.error.parameter ? " (" + body.error.parameter + ")" : "") : "HTTP " + response.status);
    }
    return body;
  }

  function applyChanges(items) {
    let added = 0;
    for (const item of items) {
      if (!byId.has(item.id)) { added += 1; state.total += 1; }
      place(item, true);
      state.cursor = Math.max(state.cursor, item.seq);
    }
    showSummary();
    if (items.length) changed("live");
    if (added) statusLine.textContent = "Live · " + added + " new event" + (added === 1 ? "" : "s") + " just arrived";
  }

  function stopFollowing() {
    if (state.source) { state.source.close(); state.source = null; }
    if (state.pollTimer) { window.clearTimeout(state.pollTimer); state.pollTimer = null; }
  }

  function poll(generation) {
    const params = filters();
    params.set("after", String(state.cursor));
    params.set("limit", "100");
    apiFetch("/api/events?" + params.toString())
      .then((r) => (r.ok ? r.json() : Promise.reject(new Error("HTTP " + r.status))))
      .then((page) => { if (generation === state.generation) { applyChanges(page.items); statusLine.textContent = "Live (polling)"; } })
      .catch(() => { statusLine.textContent = "Reconnecting…"; })
      .finally(() => { if (generation === state.generation) state.pollTimer = window.setTimeout(() => poll(generation), POLL_MS); });
  }

  function follow(generation) {
    stopFollowing();
    if (!("EventSource" in window) || storedToken()) { poll(generation); return; }
    const params = filters();
    params.set("after", String(state.cursor));
    const source = new EventSource("/api/stream?" + params.toString());
    state.source = source;
    source.addEventListener("ready", () => { statusLine.textContent = "Live"; });
    source.addEventListener("events", (message) => {
      if (generation !== state.generation) return;
      try { applyChanges(JSON.parse(message.data)); } catch (err) { showError("Bad update from server."); }
    });
    source.onerror = () => { statusLine.textContent = "Reconnecting…"; };
  }

  // kind says why ("filters" or "range"), passed on to the change hooks.
  async function reload(kind) {
    state.generation += 1;
    const generation = state.generation;
    stopFollowing();
    showError("");
    try {
      const page = await fetchPage(0);
      if (generation !== state.generation) return;
      list.replaceChildren();
      byId.clear();
      state.total = page.total;
      state.cursor = page.cursor;
      state.nextOffset = page.next_offset;
      for (const item of page.items) place(item, false);
      showSummary();
      if (window.performance && performance.mark && !performance.getEntriesByName("newswatch-list-shown").length) {
        performance.mark("newswatch-list-shown");  // read by bench/page_bench.py
      }
      follow(generation);
      changed(kind === "range" ? "range" : "filters");
    } catch (err) {
      showError("Could not load events: " + err.message);
      statusLine.textContent = "Offline";
    }
  }

  moreButton.addEventListener("click", async () => {
    if (state.nextOffset === null) return;
    try {
      const page = await fetchPage(state.nextOffset);
      for (const item of page.items) place(item, false);
      state.nextOffset = page.next_offset;
      showSummary();
    } catch (err) {
      showError("Could not load more events: " + err.message);
    }
  });

  tokenForm.addEventListener("submit", (e) => {
    e.preventDefault();
    try { window.sessionStorage.setItem(TOKEN_KEY, tokenInput.value.trim()); } catch (err) { /* private mode */ }
    tokenInput.value = "";
    tokenForm.hidden = true;
    reload();
  });

  window.newswatchPage = {
    apiFetch: apiFetch,
    formFilters: formFilters,
    renderEvent: renderEvent,
    el: el,
    onChange: (hook) => { changeHooks.push(hook); },
    // Show only events from since to until (YYYY-MM-DD, inclusive) in the list; null shows all again.
    setRange: (range) => {
      const same = JSON.stringify(range || null) === JSON.stringify(state.range);
      state.range = range || null;
      if (!same) reload("range");
    },
  };


  // Close the live stream when the page is left: a stream kept open by a cached page holds one of the
  // browser's six connections to this host, and the seventh visit then waits for one. Follow again if the
  // browser brings the page back from its cache.
  window.addEventListener("pagehide", stopFollowing);
  window.addEventListener("pageshow", (e) => { if (e.persisted) follow(state.generation); });

  let debounce = null;
  form.addEventListener("submit", (e) => { e.preventDefault(); reload(); });
  const onFilter = () => {
    window.clearTimeout(debounce);
    debounce = window.setTimeout(reload, 350);
  };
  form.addEventListener("input", onFilter);
  form.addEventListener("change", onFilter);  // a select may fire only "change" (scripted or older engines)
  reload();
  // Ask for the views' data now (after the list), while the charting library is still loading; views.js
  // takes it.
  window.newswatchPage.firstViews = { query: formFilters().toString(), response: apiFetch("/api/views?" + formFilters().toString()) };
})();
