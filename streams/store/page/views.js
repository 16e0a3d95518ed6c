// newswatch page views: a timeline (events per day, stacked by type and conflict; brushing a range filters
// the list), a world map (one point per event and country, coloured by type; a click opens the event) and a
// contact graph (participants as nodes, calls and meetings as edges weighted by count; a click on an edge
// lists its events). Drawn with the vendored ECharts from /api/views; redrawn when the list changes.
// Tooltips use ECharts' rich-text mode (no HTML), so article text never becomes markup.
"use strict";

(function () {
  const page = window.newswatchPage;
  const views = document.getElementById("views");
  if (!page || !views) return;
  if (!window.echarts) {
    views.replaceChildren(page.el("p", "error", "The charts could not be loaded; the list below still works."));
    return;
  }
  const echarts = window.echarts;
  // Each built-in type's colour, served with the page from the one list of types (streams.store.views).
  const typeSelect = document.getElementById("type");
  const TYPE_COLORS = JSON.parse((typeSelect && typeSelect.dataset.colors) || "{}");
  const OTHER_COLORS = ["#c7831a", "#4aa3a8", "#b5527f", "#6d7b2f", "#7f6a5a"];
  const LIVE_REFRESH_MS = 1000;
  const ZOOM_DAYS = 366;
  const MAX_PICKED = 50;
  const picked = document.getElementById("picked");
  const pickedTitle = document.getElementById("picked-title");
  const pickedList = document.getElementById("picked-events");
  const rangeLine = document.getElementById("range");
  const clearRange = document.getElementById("clear-range");
  const state = { query: null, generation: 0, timer: null, data: null, days: [], range: null, redrawing: false,
                  world: null, renders: 0 };
  const charts = {};
  const otherColors = new Map();

  function typeColor(type) {
    if (TYPE_COLORS[type]) return TYPE_COLORS[type];
    if (!otherColors.has(type)) otherColors.set(type, OTHER_COLORS[otherColors.size % OTHER_COLORS.length]);
    return otherColors.get(type);
  }

  function label(type) { return String(type).replace(/_/g, " "); }

  function textColor() { return getComputedStyle(document.body).color; }

  function chart(name) {
    if (!charts[name]) charts[name] = echarts.init(document.getElementById("view-" + name), null, { renderer: "canvas" });
    return charts[name];
  }

  // Every day from the first to the last (YYYY-MM-DD, UTC), so gaps stay visible on the axis.
  function dayRange(first, last) {
    const out = [];
    const day = new Date(first + "T00:00:00Z");
    const end = new Date(last + "T00:00:00Z");
    if (isNaN(day) || isNaN(end)) return out;
    while (day <= end && out.length < 40000) {
      out.push(day.toISOString().slice(0, 10));
      day.setUTCDate(day.getUTCDate() + 1);
    }
    return out;
  }

  function drawTimeline(data) {
    const rows = data.timeline;
    const days = rows.length ? dayRange(rows[0].date, rows[rows.length - 1].date) : [];
    const index = new Map(days.map((d, i) => [d, i]));
    const series = new Map();
    for (const row of rows) {
      const name = label(row.type) + (row.conflict ? " · " + row.conflict : "");
      if (!series.has(name)) {
        series.set(name, { name: name, type: "bar", stack: "events", barMaxWidth: 24, large: days.length > 400,
                           itemStyle: row.conflict ? { color: typeColor(row.type), opacity: 0.75 } : { color: typeColor(row.type) },
                           data: new Array(days.length).fill(0) });
      }
      if (index.has(row.date)) series.get(name).data[index.get(row.date)] += row.count;
    }
    const zoom = keptZoom(index, days.length);
    state.days = days;
    const fg = textColor();
    state.redrawing = true;
    chart("timeline").setOption({
      animation: false,
      textStyle: { color: fg },
      tooltip: { trigger: "axis", renderMode: "richText", axisPointer: { type: "shadow" } },
      legend: { type: "scroll", top: 0, textStyle: { color: fg } },
      grid: { left: 36, right: 12, top: 36, bottom: 56 },
      toolbox: { right: 4, top: 22, feature: { brush: { type: ["lineX", "clear"], title: { lineX: "Pick a range", clear: "Clear the range" } } } },
      brush: { xAxisIndex: 0, brushMode: "single", throttleType: "debounce", throttleDelay: 250 },
      // Opens on the latest year (fewer bars to draw); the slider reaches every day.
      dataZoom: [{ type: "slider", height: 16, bottom: 6, showDataShadow: false,
                   startValue: zoom.start, endValue: zoom.end }],
      xAxis: { type: "category", data: days, axisLabel: { color: fg } },
      yAxis: { type: "value", minInterval: 1, axisLabel: { color: fg } },
      series: Array.from(series.values()),
    }, { notMerge: true });
    chart("timeline").dispatchAction({ type: "takeGlobalCursor", key: "brush", brushOption: { brushType: "lineX", brushMode: "single" } });
    if (state.range && index.has(state.range.since) && index.has(state.range.until)) {
      chart("timeline").dispatchAction({ type: "brush", areas: [{ brushType: "lineX", xAxisIndex: 0,
        coordRange: [index.get(state.range.since), index.get(state.range.until)] }] });
    }
    state.redrawing = false;
  }

  // The zoom to draw with: the reader's own across live redraws (by day, following new days when it
  // reached the last one), else the latest year.
  function keptZoom(index, count) {
    const fresh = { start: Math.max(0, count - ZOOM_DAYS), end: undefined };
    if (!state.renders || !state.days.length) return fresh;
    const current = (chart("timeline").getOption().dataZoom || [])[0];
    if (!current || current.startValue === undefined) return fresh;
    const startDay = state.days[current.startValue];
    const endDay = state.days[current.endValue];
    const start = index.has(startDay) ? index.get(startDay) : fresh.start;
    const followsEnd = current.endValue >= state.days.length - 1 || !index.has(endDay);
    return { start: start, end: followsEnd ? undefined : index.get(endDay) };
  }

  function showRange(range) {
    state.range = range;
    rangeLine.textContent = range ? "List shows " + range.since + " to " + range.until : "Drag across the timeline to filter the list by date.";
    clearRange.hidden = !range;
    page.setRange(range);
  }

  function onBrush(params) {
    if (state.redrawing) return;
    const batch = (params.batch || [])[0];
    const area = batch && batch.areas && batch.areas[0];
    if (!area || !area.coordRange) { if (state.range) showRange(null); return; }
    const low = Math.max(0, Math.min(area.coordRange[0], area.coordRange[1]));
    const high = Math.min(state.days.length - 1, Math.max(area.coordRange[0], area.coordRange[1]));
    if (!state.days.length || low > high) return;
    showRange({ since: state.days[low], until: state.days[high] });
  }

  // A point per event and country, spread on a small spiral around the country's label point.
  function drawMap(data, world) {
    const centre = new Map(world.features.map((f) => [f.properties.iso_a3, f.properties.label]));
    const seen = new Map();
    const byType = new Map();
    const shaded = new Set();
    for (const place of data.places) {
      if (typeof place.lat === "number" && typeof place.lon === "number") {
        // A named place: its own point (no spiral), shown with its name.
        if (!byType.has(place.type)) byType.set(place.type, []);
        byType.get(place.type).push({ value: [place.lon, place.lat], id: place.id, country: place.place + ", " + place.country,
                                      date: place.date });
        continue;
      }
      const at = centre.get(place.country);
      if (!at) continue;
      const k = seen.get(place.country) || 0;
      seen.set(place.country, k + 1);
      shaded.add(place.country);
      const radius = 0.15 * Math.sqrt(k);
      const angle = k * 2.39996;
      if (!byType.has(place.type)) byType.set(place.type, []);
      byType.get(place.type).push({ value: [at[0] + radius * Math.cos(angle), at[1] + radius * Math.sin(angle)],
                                    id: place.id, country: place.country, date: place.date });
    }
    const fg = textColor();
    chart("map").setOption({
      animation: false,
      textStyle: { color: fg },
      tooltip: { trigger: "item", renderMode: "richText",
                 formatter: (p) => p.seriesType === "scatter" ? p.seriesName + " · " + p.data.country + " · " + p.data.date
                                                                : p.name + ": " + (seen.get(p.name) || 0) + " event(s)" },
      legend: { type: "scroll", top: 0, textStyle: { color: fg } },
      geo: { map: "world", nameProperty: "iso_a3", roam: true, top: 32, bottom: 4, silent: false,
             itemStyle: { areaColor: "#dcdcdc", borderColor: "#9a9a9a", borderWidth: 0.5 },
             emphasis: { label: { show: false }, itemStyle: { areaColor: "#c4c4c4" } },
             regions: Array.from(shaded, (code) => ({ name: code, itemStyle: { areaColor: "#f0dca0" } })) },
      series: Array.from(byType.entries(), ([type, points]) => ({
        name: label(type), type: "scatter", coordinateSystem: "geo", symbolSize: 6, large: true, largeThreshold: 1000,
        itemStyle: { color: typeColor(type), opacity: 0.85 }, data: points,
      })),
    }, { notMerge: true });
  }

  function drawGraph(data) {
    const fg = textColor();
    const most = data.edges.reduce((m, e) => Math.max(m, e.count), 1);
    chart("graph").setOption({
      animation: false,
      textStyle: { color: fg },
      tooltip: { trigger: "item", renderMode: "richText",
                 formatter: (p) => p.dataType === "edge" ? p.data.names + ": " + p.data.value + " event(s)" : p.data.name + (p.data.country ? " (" + p.data.country + ")" : "") + ": " + p.data.value },
      legend: { top: 0, left: 0, orient: "vertical", data: ["leader", "official"], textStyle: { color: fg } },
      series: [{
        type: "graph", layout: "circular", circular: { rotateLabel: true }, roam: true, top: 110, bottom: 110, left: 130, right: 130,
        categories: [{ name: "leader", itemStyle: { color: "#2f6fb3" } }, { name: "official", itemStyle: { color: "#2a9d63" } }],
        label: { show: true, position: "right", color: fg, fontSize: 11 },
        emphasis: { focus: "adjacency", lineStyle: { width: 6 } },
        data: data.nodes.map((n) => ({ id: n.id, name: n.name, value: n.count, country: n.country, category: n.leader ? 0 : 1,
                                        symbolSize: Math.min(36, 8 + 3 * Math.sqrt(n.count)) })),
        links: data.edges.map((e) => ({ source: e.source, target: e.target, value: e.count, events: e.events,
                                        names: nodeName(data, e.source) + " – " + nodeName(data, e.target),
                                        lineStyle: { width: 1 + 7 * e.count / most, opacity: 0.6, color: "#7a7a7a" } })),
      }],
    }, { notMerge: true });
  }

  function nodeName(data, id) {
    const node = data.nodes.find((n) => n.id === id);
    return node ? node.name : id;
  }

  // Open a set of events (a map point, a graph edge) in the panel above the list, with their evidence.
  async function openEvents(ids, title) {
    picked.hidden = false;
    pickedTitle.textContent = title + " (" + ids.length + " event" + (ids.length === 1 ? "" : "s") + ")";
    pickedList.replaceChildren(page.el("li", "meta", "Loading…"));
    const shown = ids.slice(0, MAX_PICKED);
    const found = await Promise.all(shown.map(async (id) => {
      try {
        const response = await page.apiFetch("/api/events/" + encodeURIComponent(id));
        return response.ok ? await response.json() : null;
      } catch (err) { return null; }
    }));
    pickedList.replaceChildren();
    for (const detail of found) {
      if (!detail) continue;
      const item = page.renderEvent(detail, null);
      pickedList.appendChild(item);
      if (shown.length === 1) item.querySelector("details").open = true;
    }
    if (ids.length > shown.length) pickedList.appendChild(page.el("li", "meta", "… and " + (ids.length - shown.length) + " more"));
    picked.scrollIntoView({ block: "nearest" });
  }

  async function loadWorld() {
    if (!state.world) {
      state.world = fetch("/static/world.json").then((r) => r.json()).then((geo) => { echarts.registerMap("world", geo); return geo; });
    }
    return state.world;
  }

  async function refresh() {
    state.query = page.formFilters().toString();
    state.generation += 1;
    const generation = state.generation;
    try {
      const early = page.firstViews && page.firstViews.query === state.query ? page.firstViews.response : null;
      page.firstViews = null;
      const [response, world] = await Promise.all([early || page.apiFetch("/api/views?" + state.query), loadWorld()]);
      if (!response.ok) throw new Error("HTTP " + response.status);
      const data = await response.json();
      if (generation !== state.generation) return;
      state.data = data;
      drawTimeline(data);
      if (!state.renders && performance.mark) performance.mark("newswatch-timeline-drawn");
      // Let the browser paint the list and the timeline before the map and the graph are drawn.
      await new Promise((resolve) => window.setTimeout(resolve, 0));
      if (generation !== state.generation) return;
      drawMap(data, world);
      drawGraph(data);
      const cut = data.included < data.total ? " (newest " + data.included + " of " + data.total + ")" : "";
      document.getElementById("views-note").textContent = data.included + " events in the views" + cut;
      state.renders += 1;
      if (state.renders === 1 && window.performance && performance.mark) performance.mark("newswatch-views-drawn");
      views.dataset.renders = String(state.renders);
    } catch (err) {
      state.query = null;
      document.getElementById("views-note").textContent = "Could not draw the views (" + err.message + ").";
    }
  }

  function exportPng(name) {
    const target = charts[name];
    if (!target) return;
    const link = document.createElement("a");
    link.download = "newswatch-" + name + ".png";
    link.href = target.getDataURL({ type: "png", pixelRatio: 2, backgroundColor: getComputedStyle(document.body).backgroundColor });
    link.click();
  }

  chart("timeline").on("brushselected", onBrush);
  chart("map").on("click", (p) => { if (p.seriesType === "scatter" && p.data) openEvents([p.data.id], p.data.country + " · " + p.data.date); });
  chart("graph").on("click", (p) => { if (p.dataType === "edge" && p.data) openEvents(p.data.events, p.data.names); });
  for (const button of document.querySelectorAll("button[data-export]")) {
    button.addEventListener("click", () => exportPng(button.dataset.export));
  }
  clearRange.addEventListener("click", () => {
    chart("timeline").dispatchAction({ type: "brush", areas: [] });
    showRange(null);
  });
  document.getElementById("close-picked").addEventListener("click", () => { picked.hidden = true; pickedList.replaceChildren(); });
  window.addEventListener("resize", () => { for (const c of Object.values(charts)) c.resize(); });
  page.onChange((kind) => {
    if (kind === "range" || (kind === "filters" && page.formFilters().toString() === state.query)) return;
    window.clearTimeout(state.timer);
    if (kind === "live") state.timer = window.setTimeout(refresh, LIVE_REFRESH_MS);
    else refresh();
  });
  refresh();
  window.newswatchViews = { charts: charts, state: state, openEvents: openEvents, exportPng: exportPng };
})();
