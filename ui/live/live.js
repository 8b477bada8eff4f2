// Live sliders: scrub paths the server computed for every value a slider offers, drawn over the race's map.
// One instance per mount, kept on its parentElement across reruns (a rerun calls this function again with new
// data; the sliders, their focus and a drag in progress survive it). No rerun while a thumb is held: the
// nearest computed path is drawn in the same frame as the input; on release (or 350 ms after the last key)
// exactly that value goes back, one rerun. Payloads are decoded in a worker; one that arrives mid-drag waits.
// Mounts share a payload: above the map ("race": every run's sliders) and in a run's open sidebar panel ("run":
// that run's only, its index read off its container's st-key class); a thumb moved in one moves the same
// slider's in the others.

const KEY_DEBOUNCE_MS = 350;
const TOUCH_SLOP_PX = 6;          // a touch must move this far sideways, more than down, before it drags
const DIMMED = "0.12";            // the chart's own paths while the live ones are drawn over them
const GREEK = { beta1: "β1", beta2: "β2", alpha: "α", momentum: "μ", p: "p", lr: "lr",
                initial_accumulator_value: "s₀" };

const WORKER_SOURCE = `
self.onmessage = async (event) => {
  const { id, bytes } = event.data;
  const started = performance.now();
  try {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (String.fromCharCode(...bytes.subarray(0, 4)) !== "LIVE") throw new Error("not a live payload");
    const length = view.getUint32(4, true);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + length)));
    const stream = new Blob([bytes.subarray(8 + length)]).stream().pipeThrough(new DecompressionStream("deflate-raw"));
    const raw = new Uint8Array(await new Response(stream).arrayBuffer());
    let at = 0;
    const next = () => {            // one zigzag varint
      let value = 0, shift = 0, byte;
      do { byte = raw[at++]; value += (byte & 0x7f) * 2 ** shift; shift += 7; } while (byte & 0x80);
      return value % 2 === 0 ? value / 2 : -(value + 1) / 2;
    };
    const paths = [], transfer = [];
    for (const run of header.runs) {
      const perSlider = [];
      for (const slider of run.sliders) {
        const perValue = [];
        for (const count of slider.points) {
          const xy = new Int32Array(2 * count);
          for (let axis = 0; axis < 2; axis++) {   // all x's, then all y's: second differences, summed twice
            let step = 0, position = 0;
            for (let i = 0; i < count; i++) { step += next(); position += step; xy[2 * i + axis] = position; }
          }
          perValue.push(xy); transfer.push(xy.buffer);
        }
        perSlider.push(perValue);
      }
      paths.push(perSlider);
    }
    self.postMessage({ id, header, paths, ms: performance.now() - started }, transfer);
  } catch (error) {
    self.postMessage({ id, error: String(error) });
  }
};`;

function formatValue(value) {
  if (value === 0) return "0";
  const text = String(value);
  return text.length <= 9 ? text : Number(value.toPrecision(6)).toString();
}

class Live {
  constructor(root) {
    this.root = root;
    this.box = document.createElement("div");
    this.box.className = "live";
    this.grid = document.createElement("div");
    this.grid.className = "grid";
    this.note = document.createElement("div");
    this.note.className = "note";
    this.box.append(this.grid, this.note);
    root.appendChild(this.box);
    this.cells = new Map();         // "run:name" → cell
    this.model = null;              // { header, paths }
    this.shown = new Map();         // "run:slider" → value index shown (the thumbs), survives payloads
    this.drag = null;               // the cell being dragged
    this.pending = null;            // a payload that arrived mid-drag
    this.lastBytes = null;
    this.requested = 0;
    this.awaiting = null;           // released values whose rerun has not yet redrawn the chart
    this.stats = { frames: [], inputs: [], decodes: [] };
    this.worker = new Worker(URL.createObjectURL(new Blob([WORKER_SOURCE], { type: "text/javascript" })));
    this.worker.onmessage = (event) => this.decoded(event.data);
    this.keyTimer = null;
    window.addEventListener("resize", () => this.dock());
    // a chart drawn anew (a rerun) may have its band elsewhere: look for a new layout four times a second
    this.dockTimer = setInterval(() => {
      if (!this.box.isConnected) { clearInterval(this.dockTimer); return; }
      const gd = this.scope === "race" ? this.chart() : null;
      if (gd && gd.layout !== this.dockedLayout) { this.dockedLayout = gd.layout; this.dock(); }
    }, 250);
  }

  dock() {
    // A phone's chart leaves a band of blank paper under its scrubber (layout.meta.live_band: [top, height] px from
    // the chart's top): the sliders are laid over it, so the map they move is on the screen they are dragged on.
    // Margins move this element there and close the gap it leaves after the chart (nothing else moves).
    const host = this.root.host || this.root;
    const container = host.closest ? host.closest('[data-testid="stElementContainer"]') || host : null;
    if (!container || this.scope !== "race") return;
    const gd = this.chart();
    const band = gd && gd.layout && gd.layout.meta && gd.layout.meta.live_band;
    container.style.marginTop = ""; container.style.marginBottom = "";
    if (!band) return;
    const natural = container.getBoundingClientRect().top;
    const up = natural - (gd.getBoundingClientRect().top + band[0]);
    container.style.marginTop = `${-up}px`;
    container.style.marginBottom = `${up - container.getBoundingClientRect().height}px`;
    container.style.position = "relative"; container.style.zIndex = "2";   // over the chart's paper
    this.box.dataset.docked = "1";
  }

  dockWhenDrawn() {
    // the chart of this rerun may be drawn a few frames after this component: dock once it is
    const started = performance.now();
    const wait = () => {
      const gd = this.chart();
      if (gd && gd.layout) this.dock();
      else if (performance.now() - started < 10000) requestAnimationFrame(wait);
    };
    requestAnimationFrame(wait);
  }

  receive(data, chartKey, scope, runIndex) {
    this.chartKey = chartKey;
    this.scope = scope;
    this.runIndex = runIndex;
    this.box.classList.toggle("panel", scope === "run");
    this.dockWhenDrawn();
    if (!(data instanceof Uint8Array)) return;
    if (this.lastBytes && sameBytes(this.lastBytes, data)) return;
    this.lastBytes = data;
    if (this.drag) { this.pending = data; return; }      // never move a thumb the user holds
    this.decode(data);
  }

  decode(data) {
    const id = ++this.requested;
    this.decodeStarted = performance.now();
    // The header (values, outcomes: a few kB of JSON) is read here, so the sliders take their place on the page
    // in the frame the component appears (the map below does not jump); the paths follow from the worker.
    try {
      const length = new DataView(data.buffer, data.byteOffset, data.byteLength).getUint32(4, true);
      this.applyHeader(JSON.parse(new TextDecoder().decode(data.subarray(8, 8 + length))), id);
    } catch (error) { /* the worker names what is wrong with the payload */ }
    const copy = data.slice();
    this.worker.postMessage({ id, bytes: copy }, [copy.buffer]);
  }

  decoded(message) {
    if (message.id !== this.requested) return;           // a newer payload is on its way
    if (message.error) { this.note.textContent = "Live sliders unavailable: " + message.error; return; }
    this.stats.decodes.push({ worker: message.ms, total: performance.now() - this.decodeStarted });
    if (this.drag) { this.pendingModel = message; return; }
    this.complete(message);
  }

  complete(message) {
    if (!this.model || this.model.id !== message.id) this.applyHeader(message.header, message.id);
    this.model.paths = message.paths;
    this.box.dataset.ready = "1";
    this.settle();
  }

  applyHeader(header, id) {
    this.model = { header, id, paths: null };
    const seen = new Set();
    let at = this.grid.firstChild;
    header.runs.forEach((run, r) => run.sliders.forEach((slider, s) => {
      if (this.scope === "run" && run.index !== this.runIndex) return;   // a run's panel: that run only
      const id = `${run.index}:${slider.name}`;
      seen.add(id);
      let cell = this.cells.get(id);
      if (!cell) { cell = this.makeCell(); this.cells.set(id, cell); cell.element.dataset.id = id; }
      cell.r = r; cell.s = s; cell.run = run; cell.slider = slider;
      cell.index = slider.current;
      // the payload's order, moving only what is out of place: a moved element would lose the keyboard's focus
      if (cell.element === at) at = at.nextSibling; else this.grid.insertBefore(cell.element, at);
      this.fill(cell);
    }));
    for (const [id, cell] of this.cells) {
      if (!seen.has(id)) { cell.element.remove(); this.cells.delete(id); }
    }
    const parts = [];
    if (header.simplified) parts.push(`paths simplified to within ${(header.tolerance_px + 0.21).toFixed(1)} px`);
    if (header.thinned > 1) parts.push(`every ${header.thinned}th value computed (payload budget)`);
    this.note.textContent = parts.length ? `Long run: ${parts.join("; ")}.` : "";
  }

  makeCell() {
    const element = document.createElement("div");
    element.className = "cell";
    element.innerHTML = `<div class="head"><span class="chip"></span><span class="who"></span>
      <span class="name"></span><span class="value"></span><span class="outcome"></span>
      <button class="more" type="button" title="Tune this run's other settings live">more ›</button></div>
      <div class="track" tabindex="0" role="slider"><div class="strip"></div><div class="thumb"></div></div>`;
    const cell = { element, track: element.querySelector(".track"), thumb: element.querySelector(".thumb"),
                   strip: element.querySelector(".strip"), value: element.querySelector(".value"),
                   outcome: element.querySelector(".outcome"), name: element.querySelector(".name"),
                   who: element.querySelector(".who"), chip: element.querySelector(".chip"),
                   more: element.querySelector(".more") };
    this.bind(cell);
    return cell;
  }

  fill(cell) {
    const { run, slider } = cell;
    const n = slider.values.length;
    const colors = this.model.header.outcome_colors;
    const stops = slider.outcomes.map((code, i) =>
      `${colors[code]} ${(100 * i / n).toFixed(3)}% ${(100 * (i + 1) / n).toFixed(3)}%`);
    cell.strip.style.background = `linear-gradient(to right, ${stops.join(", ")})`;
    cell.chip.style.background = run.color;
    cell.element.style.setProperty("--run", run.color);
    cell.who.textContent = `Run ${run.index + 1}`;
    cell.name.textContent = GREEK[slider.name] || slider.name;
    cell.more.hidden = !(slider.name === "lr" && run.sliders.length === 1);
    cell.track.setAttribute("aria-label", `Run ${run.index + 1} ${run.label}: ${slider.name}`);
    cell.track.setAttribute("aria-valuemin", "0");
    cell.track.setAttribute("aria-valuemax", String(n - 1));
    this.place(cell);
  }

  place(cell) {
    const { slider } = cell;
    const n = slider.values.length;
    const value = slider.values[cell.index];
    cell.thumb.style.left = `${(100 * (cell.index + 0.5) / n).toFixed(3)}%`;
    cell.value.textContent = formatValue(value);
    const outcome = this.model.header.outcomes[slider.outcomes[cell.index]];
    cell.outcome.textContent = outcome;
    // the outcome's colour as a swatch, the word in dark text (yellow "moving" would not read on white)
    cell.outcome.style.setProperty("--outcome", this.model.header.outcome_colors[slider.outcomes[cell.index]]);
    cell.track.setAttribute("aria-valuenow", String(cell.index));
    cell.track.setAttribute("aria-valuetext", `${slider.name} = ${formatValue(value)}, ${outcome}`);
    cell.element.dataset.value = String(value);
    cell.element.dataset.index = String(cell.index);
    cell.element.classList.toggle("changed", cell.index !== slider.current);
  }

  bind(cell) {
    const track = cell.track;
    const indexAt = (clientX) => {
      const box = track.getBoundingClientRect();
      const n = cell.slider.values.length;
      return Math.max(0, Math.min(n - 1, Math.floor((clientX - box.left) / box.width * n)));
    };
    track.addEventListener("pointerdown", (event) => {
      if (!this.model || event.button > 0) return;
      cell.pointer = { id: event.pointerId, x: event.clientX, y: event.clientY, touch: event.pointerType === "touch",
                       dragging: false };
      if (!cell.pointer.touch) { event.preventDefault(); track.focus(); this.begin(cell, event); this.move(cell, indexAt(event.clientX), event); }
    });
    track.addEventListener("pointermove", (event) => {
      const pointer = cell.pointer;
      if (!pointer || pointer.id !== event.pointerId) return;
      if (!pointer.dragging) {
        const dx = Math.abs(event.clientX - pointer.x), dy = Math.abs(event.clientY - pointer.y);
        if (dx < TOUCH_SLOP_PX || dx <= dy) return;     // not yet a sideways drag (a vertical one scrolls)
        this.begin(cell, event);
      }
      const events = event.getCoalescedEvents ? event.getCoalescedEvents() : [];
      const last = events.length ? events[events.length - 1] : event;
      this.move(cell, indexAt(last.clientX), event);
    });
    const finish = (event, cancelled) => {
      const pointer = cell.pointer;
      if (!pointer || pointer.id !== event.pointerId) return;
      cell.pointer = null;
      if (!pointer.dragging) {
        if (cancelled || !pointer.touch) return;
        this.begin(cell, event);                       // a tap: that value
        this.move(cell, indexAt(event.clientX), event);
      }
      this.end(cell);
    };
    track.addEventListener("pointerup", (event) => finish(event, false));
    track.addEventListener("pointercancel", (event) => finish(event, true));
    track.addEventListener("keydown", (event) => {
      if (!this.model) return;
      const steps = { ArrowLeft: -1, ArrowDown: -1, PageDown: -1, ArrowRight: 1, ArrowUp: 1, PageUp: 1 };
      const n = cell.slider.values.length;
      let target;
      if (event.key in steps) target = cell.index + steps[event.key];
      else if (event.key === "Home") target = 0;
      else if (event.key === "End") target = n - 1;
      else return;
      event.preventDefault();
      if (this.drag && this.drag !== cell) return;
      if (!this.drag) this.begin(cell, event, true);
      this.move(cell, Math.max(0, Math.min(n - 1, target)), event);
      clearTimeout(this.keyTimer);
      this.keyTimer = setTimeout(() => this.end(cell), KEY_DEBOUNCE_MS);
    });
    cell.more.addEventListener("click", () => this.trigger("select", cell.run.index));
  }

  begin(cell, event, byKey = false) {
    if (cell.pointer) { cell.pointer.dragging = true; try { cell.track.setPointerCapture(cell.pointer.id); } catch (e) {} }
    this.drag = cell;
    this.byKey = byKey;
    cell.element.classList.add("active");
  }

  move(cell, index, event) {
    const started = performance.now();
    if (index !== cell.index) {
      cell.index = index;
      this.shown.set(`${cell.r}:${cell.s}`, index);
      this.place(cell);
      this.mirror(cell);
    }
    this.draw();
    const done = performance.now();
    this.stats.inputs.push({ input: done - (event?.timeStamp ?? started), draw: done - started, at: done });
  }

  mirror(cell) {
    // the same slider in the other mount (above the map / in the run's panel) follows the hand too
    for (const other of window.__adamaxLiveAll || []) {
      const twin = other !== this && other.model && other.cells.get(cell.element.dataset.id);
      if (twin && twin.slider.values.length === cell.slider.values.length) { twin.index = cell.index; other.place(twin); }
    }
  }

  end(cell) {
    if (this.drag !== cell) return;
    this.drag = null;
    cell.element.classList.remove("active");
    const value = cell.slider.values[cell.index];
    if (cell.index !== cell.slider.current) {
      this.awaiting = { run: cell.run.index, since: performance.now() };
      const gd = this.chart(), before = gd && gd.data, since = this.awaiting.since;
      const redrawn = () => {   // the rest of the page: the chart drawn anew by the release's rerun
        const now = this.chart();
        if (now && now.data && now.data !== before) (this.stats.charts ||= []).push(performance.now() - since);
        else if (performance.now() - since < 60000) requestAnimationFrame(redrawn);
      };
      requestAnimationFrame(redrawn);
      this.trigger("release", { run: cell.run.index, name: cell.slider.name, value });
    } else if (!this.awaiting) {
      this.clear();
    }
    if (this.pendingModel) { const model = this.pendingModel; this.pendingModel = null; this.complete(model); }
    if (this.pending) { const data = this.pending; this.pending = null; this.lastBytes = null; this.receive(data, this.chartKey); }
  }

  trigger(name, value) {
    // after the frame is drawn: the rerun's start does not delay the picture
    requestAnimationFrame(() => setTimeout(() => this.setTrigger?.(name, value), 0));
  }

  chart() {
    const host = document.querySelector(`.st-key-${this.chartKey} .js-plotly-plot`);
    return host && host._fullLayout && host._fullLayout.xaxis ? host : null;
  }

  canvasFor(gd) {
    const container = gd.querySelector(".svg-container");
    if (!container) return null;
    let canvas = container.querySelector("canvas.live-paths");
    if (!canvas) {
      canvas = document.createElement("canvas");
      canvas.className = "live-paths";
      canvas.style.cssText = "position:absolute;pointer-events:none;z-index:5;will-change:transform";
      container.appendChild(canvas);
    }
    return canvas;
  }

  draw() {
    const gd = this.chart();
    if (!gd || !this.model || !this.model.paths || this.drawingOff) return;   // drawingOff: the bench's baseline
    const started = performance.now();
    const { header, paths } = this.model;
    const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis;
    const canvas = this.canvasFor(gd);
    const ratio = window.devicePixelRatio || 1;
    const width = Math.round(xa._length), height = Math.round(ya._length);
    if (canvas.width !== Math.round(width * ratio) || canvas.height !== Math.round(height * ratio)) {
      canvas.width = Math.round(width * ratio); canvas.height = Math.round(height * ratio);
      canvas.style.width = `${width}px`; canvas.style.height = `${height}px`;
    }
    canvas.style.left = `${xa._offset}px`; canvas.style.top = `${ya._offset}px`;
    canvas.hidden = false;
    const ctx = canvas.getContext("2d");
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    const [x0, x1] = header.x, [y0, y1] = header.y, q = header.quanta;
    const [rx0, rx1] = xa.range, [ry0, ry1] = ya.range;
    // quanta → css px: x_px = ((x0 + qx (x1 − x0)/Q) − rx0)/(rx1 − rx0) · width, y flipped
    const sx = (x1 - x0) / q / (rx1 - rx0) * width, ox = (x0 - rx0) / (rx1 - rx0) * width;
    const sy = -(y1 - y0) / q / (ry1 - ry0) * height, oy = height - (y0 - ry0) / (ry1 - ry0) * height;
    ctx.lineJoin = "round"; ctx.lineCap = "round";
    header.runs.forEach((run, r) => {
      // the run's path at the value its sliders show (the dragged one moves; at most one differs from current)
      let path = paths[r][0][run.sliders[0].current];
      run.sliders.forEach((slider, s) => {
        const cell = this.cells.get(`${run.index}:${slider.name}`);
        if (cell && cell.index !== slider.current) path = paths[r][s][cell.index];
      });
      ctx.setTransform(ratio * sx, 0, 0, ratio * sy, ratio * ox, ratio * oy);
      ctx.beginPath();
      ctx.moveTo(path[0], path[1]);
      for (let i = 2; i < path.length; i += 2) ctx.lineTo(path[i], path[i + 1]);
      ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
      ctx.strokeStyle = run.color;
      ctx.lineWidth = run.width;               // the race's own width for this run
      ctx.stroke();
      const head = path.length - 2;                   // where the value's run ends
      ctx.beginPath();
      ctx.arc(sx * path[head] + ox, sy * path[head + 1] + oy, 5, 0, 2 * Math.PI);
      ctx.fillStyle = run.color; ctx.fill();
      ctx.lineWidth = 1.5; ctx.strokeStyle = "white"; ctx.stroke();
    });
    if (gd.dataset.liveDimmed !== "1") {
      // once a drag, and a frame later: restyling the chart's SVG re-rasters it (tens of ms on a busy machine),
      // which must not delay the first live picture
      gd.dataset.liveDimmed = "1";
      requestAnimationFrame(() => { if (gd.dataset.liveDimmed === "1") this.dim(gd, true); });
    }
    this.stats.frames.push(performance.now() - started);
  }

  dim(gd, on) {
    const labels = new Set(this.model.header.runs.map((run) => run.label));
    gd.querySelectorAll(".scatterlayer .trace").forEach((trace) => {
      const datum = trace.__data__ && trace.__data__[0] && trace.__data__[0].trace;
      if (datum && (labels.has(datum.legendgroup) || labels.has(datum.name))) trace.style.opacity = on ? DIMMED : "";
    });
    gd.dataset.liveDimmed = on ? "1" : "";
  }

  clear() {
    const gd = this.chart();
    if (!gd) return;
    const canvas = gd.querySelector("canvas.live-paths");
    if (canvas) canvas.hidden = true;
    if (this.model) this.dim(gd, false);
  }

  settle() {
    // After a release: the live paths stay over the map until the chart shows the released runs' labels.
    if (this.drag) return;
    const waiting = () => {
      if (this.drag) return;
      const gd = this.chart();
      if (!gd || !this.model) return requestAnimationFrame(waiting);
      const names = new Set((gd.data || []).map((trace) => trace.name));
      const ready = this.model.header.runs.every((run) => names.has(run.label));
      const changed = [...this.cells.values()].some((cell) => cell.index !== cell.slider.current);
      if (ready && !changed) {
        if (this.awaiting) this.stats.settles = [...(this.stats.settles || []), performance.now() - this.awaiting.since];
        this.awaiting = null; this.clear(); this.box.dataset.settled = String(this.requested);
      }
      else if (changed) { this.draw(); }
      else requestAnimationFrame(waiting);
    };
    requestAnimationFrame(waiting);
  }
}

function sameBytes(a, b) {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;   // < 1 ms for 1 MB
  return true;
}

export default function (component) {
  const { data, parentElement, setTriggerValue } = component;
  let live = parentElement.__adamaxLive;
  if (!live || !live.box.isConnected) {
    // a remount (an element above appeared): end the workers of instances no longer on the page
    window.__adamaxLiveAll = (window.__adamaxLiveAll || []).filter((old) => {
      if (old.box.isConnected) return true;
      old.worker.terminate();
      return false;
    });
    live = parentElement.__adamaxLive = new Live(parentElement);
    window.__adamaxLiveAll.push(live);
  }
  live.setTrigger = setTriggerValue;
  const config = parentElement.querySelector(".live-config");
  const scope = config && config.dataset.scope === "run" ? "run" : "race";
  // a panel's run: the index its key ends with, which Streamlit writes into its container's class (st-key-<key>)
  const host = parentElement.host || parentElement;
  const keyed = scope === "run" && host.closest ? host.closest('[class*="st-key-live_panel_"]') : null;
  const runIndex = keyed ? Number((keyed.className.match(/st-key-live_panel_(\d+)/) || [])[1]) : -1;
  // for the browser tests and the benchmark: the sliders above the map, and those in each run's panel
  if (scope === "race") window.__adamaxLive = live; else (window.__adamaxLivePanels ||= {})[runIndex] = live;
  live.receive(data instanceof Uint8Array ? data : null, config ? config.dataset.chart : "explorer_chart", scope,
               runIndex);
}
