"""The player: keyboard, a fullscreen that keeps the animation, and a speed that survives Pause/Play.

A small Streamlit custom component (v2, `st.components.v2.component`: its JavaScript runs in the app's page)
that drives the page's animated Plotly chart through plotly.js's own API (`window.Plotly`, which Streamlit's
chart loads): no second copy of plotly.js, and the chart, its frames and the click-on-map feature are untouched.

- Keys (ignored while typing in a widget): Space plays/pauses, ← / → step one frame, Home / End go to the first /
  last frame, F toggles fullscreen, PageUp / PageDown go to the previous / next scene of a lesson (clickers send
  these), which the component reports to Python as a trigger value.
- Fullscreen: the chart's own element goes fullscreen and is re-laid out to the screen's size, then back; the
  chart's toolbar icon does the same on an animated chart (Streamlit's own fullscreen rebuilt it without its
  frames). Any re-layout — ours, or Streamlit's redraw when the chart's box changes size — waits for a still chart:
  plotly.js re-laid out mid-animation keeps drawing the traces for the old size. Play resumes from the same frame,
  and a chart still found misdrawn is redrawn.
- Speed: choosing a speed in the chart's menu also rewrites the ▶ Play button's frame duration, so Pause then
  Play resumes at that speed; the speed is kept for charts drawn later in the same page.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from figures.narrow import NARROW_BELOW

from .modes import phone

FRAME_MS = 60  # figures/explorer.py's frame duration at 1× (the speed menu's labels carry the multiplier)

# Icons are inline SVG: the fullscreen and link symbols (U+26F6, U+1F517) are boxes in fonts that lack them.
FULLSCREEN_ICON = ('<svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true"><path d="M1 6V1h5M10 1h5v5M15 '
                   '10v5h-5M6 15H1v-5" fill="none" stroke="currentColor" stroke-width="2"/></svg>')
LINK_ICON = ('<svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true"><path d="M7 9l2-2M6 5l1.5-1.5a2.5 '
             '2.5 0 013.5 3.5L9.5 8.5M10 11l-1.5 1.5a2.5 2.5 0 01-3.5-3.5L6.5 7.5" fill="none" '
             'stroke="currentColor" stroke-width="1.6" stroke-linecap="round"/></svg>')
HTML = f"""<div class="player"><button type="button" class="play" title="Play or pause (Space)">▶ Play / ❚❚ Pause
</button><button type="button" class="step-back" title="One iteration back (Shift+←)"
aria-label="One iteration back">◀ 1 step</button><button type="button" class="step-forward"
title="One iteration forward (Shift+→)" aria-label="One iteration forward">1 step ▶</button>
<button type="button" class="fullscreen" title="Fullscreen (F); Esc to leave">{FULLSCREEN_ICON} Fullscreen</button>
<button type="button" class="copy" title="Copy this page's link: it opens exactly this view">{LINK_ICON}
<span>Copy link</span></button><span class="keys">Keys: Space play/pause · ← → one frame · Shift+← → one iteration
· Home/End · F fullscreen</span></div>"""

CSS = """
.player {display: flex; flex-wrap: wrap; gap: 0.6rem 1rem; align-items: center; font-family: sans-serif;
         font-size: 0.85rem; color: #555}
.player button {font-size: 0.9rem; padding: 0.25rem 0.8rem; border: 1px solid #bbb; border-radius: 0.4rem;
                background: #f6f6f6; cursor: pointer; color: #222; display: inline-flex; align-items: center;
                gap: 0.35rem}
.player button:hover {background: #eaeaea}
"""

JS = """
const FRAME_MS = __FRAME_MS__;
const RESUME_AFTER_MS = 300;
const MODEBAR_PX = 34;  // the chart's modebar: a row of its own at the top of a fullscreen chart
const KEYS = 'Keys: Space play/pause · ← → one frame · Shift+← → one iteration · Home/End · F fullscreen';
function charts() {
  return [...document.querySelectorAll('.js-plotly-plot')].filter(
    gd => gd._transitionData && (gd._transitionData._frames || []).length > 1);
}
function chart() {
  const all = charts();
  const full = document.fullscreenElement;
  return all.find(gd => full && full.contains(gd)) || all[0] || null;
}
function anyChart() { return chart() || document.querySelector('.js-plotly-plot'); }
function names(gd) { return gd._transitionData._frames.map(f => f.name); }
function currentIndex(gd) {
  const list = names(gd), now = gd._fullLayout._currentFrame;
  const index = list.indexOf(now);
  if (index >= 0) return index;
  const slider = (gd.layout.sliders || [])[0];
  if (slider && slider.steps && slider.active !== undefined) {
    const name = slider.steps[slider.active].args[0][0];
    return Math.max(list.indexOf(String(name)), 0);
  }
  return 0;
}
function redraw(gd) { return gd._fullLayout._has && gd._fullLayout._has('gl3d'); }
function state() {
  window.__adamaxPlayer = window.__adamaxPlayer || {speed: 1, playing: false};
  return window.__adamaxPlayer;
}
function applySpeed(gd) {
  // The ▶ Play button (menu "play", first button) plays at the chosen speed from now on.
  const speed = state().speed;
  const buttons = [];
  for (const layout of [gd.layout, gd._fullLayout]) {
    for (const menu of (layout.updatemenus || [])) {
      if (menu.name === 'play' && menu.buttons && menu.buttons[0]) buttons.push(menu.buttons[0]);
    }
  }
  // A drawn button keeps the button object of the draw that made it (plotly.js re-reads the layout without
  // redrawing the menus when Streamlit re-applies its theming): its click uses that one.
  for (const element of gd.querySelectorAll('g.updatemenu-button')) {
    const button = element.__data__;
    if (button && button.method === 'animate' && String(button.label).includes('Play')) buttons.push(button);
  }
  for (const button of buttons) {
    const options = button.args && button.args[1];
    if (options && options.frame) options.frame.duration = FRAME_MS / speed;
  }
}
function hook(gd) {
  if (gd.__adamaxHooked) return;
  gd.__adamaxHooked = true;
  applySpeed(gd);
  gd.on('plotly_buttonclicked', event => {
    const label = (event.button && event.button.label) || '';
    const match = label.match(/speed ([0-9.]+)/);
    if (match) { state().speed = parseFloat(match[1]); applySpeed(gd); }
    if (label.includes('Play') && reducedMotion()) { show(gd, names(gd).length - 1); return; }
    if (label.includes('Play') || match) { state().playing = true; state().playingChart = gd; }
    if (label.includes('Pause')) state().playing = false;
  });
  gd.on('plotly_animated', () => { state().playing = false; reportFrame(gd); });
  gd.on('plotly_sliderchange', () => reportFrame(gd));
  gd.on('plotly_animationinterrupted', () => { state().playing = false; });
}
function reportFrame(gd) {
  // Where the scrubber rests (after a drag, a step or the end of Play), for the section's equations.
  const player = state();
  if (!player.reportsFrame || !player.setState) return;
  clearTimeout(player.frameTimer);
  player.frameTimer = setTimeout(() => {
    const frame = Number(gd._fullLayout._currentFrame);
    if (player.seeking) return;  // the chart followed a step typed in: that step stays as typed
    if (!player.playing && Number.isFinite(frame)) player.setState('frame', frame);
  }, 300);
}
function seekPending() {
  // A step typed into the section's "step t": the chart goes to the frame nearest to it.
  const player = state(), gd = chart();
  if (player.seek === undefined || !gd) return;
  const target = player.seek, list = names(gd).map(Number);
  player.seek = undefined;
  let best = 0;
  list.forEach((step, i) => { if (Math.abs(step - target) < Math.abs(list[best] - target)) best = i; });
  if (Number(gd._fullLayout._currentFrame) === list[best] || animating(gd)) return;
  player.seeking = true;
  show(gd, best);
  setTimeout(() => { player.seeking = false; }, 800);
}
function reducedMotion() {
  return !!(window.matchMedia && window.matchMedia('(prefers-reduced-motion: reduce)').matches);
}
function play(gd, from) {
  const list = names(gd), at = from === undefined ? currentIndex(gd) : from;
  if (reducedMotion()) { show(gd, list.length - 1); return; }  // the outcome at once; the steps stay a click each
  const start = at >= list.length - 1 ? 0 : at;
  window.Plotly.animate(gd, list.slice(start), {frame: {duration: FRAME_MS / state().speed, redraw: redraw(gd)},
                        transition: {duration: 0}, mode: 'immediate'});
  state().playing = true;
  state().playingChart = gd;  // after animate: it interrupts (and so reports) any animation already running
}
function pause(gd) {
  state().playing = false;
  window.Plotly.animate(gd, [null], {frame: {duration: 0, redraw: false}, transition: {duration: 0},
                                     mode: 'immediate'});
}
function show(gd, index) {
  const list = names(gd);
  index = Math.min(Math.max(index, 0), list.length - 1);
  state().playing = false;
  window.Plotly.animate(gd, [list[index]], {frame: {duration: 0, redraw: redraw(gd)}, transition: {duration: 0},
                                            mode: 'immediate'});
}
function toggleFullscreen(gd) {
  if (document.fullscreenElement) { document.exitFullscreen(); return; }
  // The element container, not the chart: Streamlit sizes the chart from it, so the chart can take the width.
  const box = gd.closest('[data-testid="stElementContainer"]') || gd.parentElement;
  box.requestFullscreen().catch(() => {});
}
function animating(gd) { return !!(gd._transitionData && gd._transitionData._animationRaf); }
function still(gd, change) {
  // A redraw while plotly.js animates leaves a broken chart that stays broken (the frames keep drawing the
  // traces with the old size's clip paths and axes: the map in a corner, curves cut off). So the animation
  // stops first, the chart is redrawn at rest, and Play resumes from the frame it stopped on.
  const wasPlaying = animating(gd) || (state().playing && state().playingChart === gd);
  if (!wasPlaying) return change();
  pause(gd);
  // The pause lands when plotly.js's loop next looks at its queue (up to a frame's duration later).
  const started = performance.now();
  return new Promise(resolve => {
    const whenStill = () => {
      if (animating(gd) && performance.now() - started < 1000) { requestAnimationFrame(whenStill); return; }
      const index = currentIndex(gd);
      // Play resumes a moment later: Streamlit answers a relayout with a redraw of its own (Plotly.react),
      // which must land on a still chart too.
      Promise.resolve(change()).catch(() => {}).then(() => setTimeout(() => { play(gd, index); resolve(gd); },
                                                                      RESUME_AFTER_MS));
    };
    requestAnimationFrame(whenStill);
  });
}
function relayoutStill(gd, update) {
  // `update`: the relayout's object, or a function making it at the moment the chart is still (null: no longer
  // wanted — a fullscreen left while the chart was being stopped for it)
  return still(gd, () => {
    const made = typeof update === 'function' ? update() : update;
    return made ? window.Plotly.relayout(gd, made) : undefined;
  });
}
function guardRedraws() {
  // Streamlit redraws its chart (Plotly.react) when the chart's box changes size — entering or leaving
  // fullscreen, a window resized — which can fall in the middle of Play: it then waits for a still chart too.
  const plotly = window.Plotly;
  if (!plotly || plotly.__adamaxGuarded) return;
  plotly.__adamaxGuarded = true;
  const react = plotly.react;
  plotly.react = function(gd, ...rest) {
    const layout = (rest[0] && rest[0].layout) || rest[1] || {};
    const full = (gd && gd._fullLayout) || {};
    const resized = ['width', 'height'].some(key => layout[key] && Math.abs(layout[key] - full[key]) > 1);
    if (resized && gd._transitionData && animating(gd)) return still(gd, () => react.call(plotly, gd, ...rest));
    return react.call(plotly, gd, ...rest);
  };
}
function misdrawn(gd) {
  // A subplot whose clip rectangle is not its axes' size: the traces are drawn for another size than the axes.
  const full = gd._fullLayout;
  if (!full || !full._plots || !full._uid) return false;
  return Object.entries(full._plots).some(([id, plot]) => {
    const rect = gd.querySelector(`#clip${full._uid}${id}plot rect`);
    if (!rect || !plot.xaxis || !plot.yaxis) return false;
    return Math.abs(+rect.getAttribute('width') - plot.xaxis._length) > 1 ||
           Math.abs(+rect.getAttribute('height') - plot.yaxis._length) > 1;
  });
}
function repair(gd) {
  // Found misdrawn twice in a row (a redraw in progress is misdrawn for a moment): redraw it at rest.
  if (gd.__adamaxRepairing) return;
  gd.__adamaxMisdrawn = misdrawn(gd) ? (gd.__adamaxMisdrawn || 0) + 1 : 0;
  if (gd.__adamaxMisdrawn < 2) return;
  gd.__adamaxRepairing = true;
  Promise.resolve(still(gd, () => window.Plotly.redraw(gd))).finally(() => {
    gd.__adamaxRepairing = false; gd.__adamaxMisdrawn = 0;
  });
}
function onFullscreenChange() {
  const full = document.fullscreenElement;
  const gd = full ? full.querySelector('.js-plotly-plot') : [...document.querySelectorAll('.js-plotly-plot')].find(
    g => g.__adamaxSize);
  if (!gd) return;
  if (full) {
    // The axes' domains too: plotly.js writes the domains it shrinks to keep the map's true geometry back into
    // the layout, so after the screen's shape they would stay the screen's (the map wider or smaller on leaving).
    const domains = Object.fromEntries(Object.keys(gd.layout).filter(key => /^[xy]axis[0-9]*$/.test(key))
      .filter(key => Array.isArray(gd.layout[key].domain)).map(key => [`${key}.domain`, [...gd.layout[key].domain]]));
    gd.__adamaxSize = [gd.layout.width, gd.layout.height, gd.layout.showlegend, (gd.layout.margin || {}).t, domains];
    full.style.background = 'white';
    // Fill the screen once the browser has laid the element out fullscreen (and again after Streamlit's own
    // resize handling); show Plotly's legend inside the chart, since the page's legend is not fullscreen.
    const fill = () => {
      if (document.fullscreenElement !== full) return;
      // Top down: the modebar's row, the legend hanging under it, the player's buttons (on the plot's top
      // edge). The legend wraps onto more rows on a narrow screen, so the top margin is set from it as drawn.
      const height = full.clientHeight || window.innerHeight;
      const buttons = Math.round(((gd._fullLayout.font || {}).size || 15) * 2.4) + 8;
      const below = () => MODEBAR_PX + Math.ceil((gd._fullLayout.legend || {})._height || 40) + buttons + 6;
      // The legend's top MODEBAR_PX under the chart's, in the plot's own (paper) units: a legend placed in the
      // chart's (container) units reserves its room in a way plotly.js keeps after the legend is hidden, so the
      // page's chart came back from fullscreen smaller and lower, with a band of white above ▶ Play.
      const legendY = top => 1 + (top - MODEBAR_PX) / Math.max(height - top - (gd._fullLayout._size || {}).b, 1);
      const filling = () => document.fullscreenElement === full;
      Promise.resolve(relayoutStill(gd, () => filling() && {
        width: full.clientWidth || window.innerWidth, height, showlegend: true, 'margin.t': below(),
        legend: {orientation: 'h', x: 0, xanchor: 'left', yref: 'paper', y: legendY(below()), yanchor: 'top',
                 font: {size: 18}, bgcolor: 'rgba(255,255,255,0.85)'}})).then(() => {
        const top = below();
        if (filling() && (Math.abs(top - gd._fullLayout.margin.t) > 2 ||
                          Math.abs(legendY(top) - gd._fullLayout.legend.y) > 0.002)) {
          relayoutStill(gd, () => filling() && {'margin.t': top, 'legend.y': legendY(top)});
        }
      });
    };
    // Streamlit may redraw the chart at its page size after a resize: keep it filled while fullscreen.
    const keep = () => {
      if (document.fullscreenElement !== full) { clearInterval(gd.__adamaxKeep); return; }
      if (Math.abs(gd._fullLayout.height - full.clientHeight) > 2 || !gd._fullLayout.showlegend) fill();
    };
    requestAnimationFrame(fill);
    clearInterval(gd.__adamaxKeep);
    gd.__adamaxKeep = setInterval(keep, 300);
  } else if (gd.__adamaxSize) {
    clearInterval(gd.__adamaxKeep);
    const [width, height, legend, top, domains] = gd.__adamaxSize;
    gd.__adamaxSize = null;
    // The page's width once the browser has laid it out again (a width left unset means "the container's").
    requestAnimationFrame(() => relayoutStill(gd, {
      width: width === undefined ? (gd.parentElement.clientWidth || null) : width, height: height || null,
      showlegend: !!legend, 'margin.t': top === undefined ? null : top, ...domains}));
  }
}
function onToolbarFullscreen(event) {
  // The chart's toolbar icon: Streamlit's own fullscreen redraws the chart without its frames (Play dead), so
  // on an animated chart the icon does what F does.
  const button = event.target && event.target.closest && event.target.closest('.modebar-btn');
  if (!button || !/fullscreen/i.test(button.getAttribute('data-title') || '')) return;
  const gd = button.closest('.js-plotly-plot');
  if (!gd || !charts().includes(gd)) return;
  event.stopImmediatePropagation();
  event.preventDefault();
  toggleFullscreen(gd);
}
function everyStep(gd) {
  const list = names(gd).map(Number);
  return list.length > 1 && list.every((step, i) => i === 0 || step - list[i - 1] === 1);
}
function stepOne(gd, direction) {
  // One iteration: one frame when there is a frame every iteration; else Python redraws the chart with a frame
  // every iteration (stride 1, kept in the link) and the step is taken on the new chart.
  const list = names(gd).map(Number), index = currentIndex(gd);
  if (everyStep(gd)) { show(gd, index + direction); return; }
  const player = state();
  if (!player.trigger || !player.strideAware) { show(gd, index + direction); return; }  // a chart of fixed frames
  player.pendingStep = Math.max(list[index] + direction, 0);
  player.trigger('stride', 1);
}
function takePendingStep() {
  const player = state(), gd = chart();
  if (player.pendingStep === undefined || !gd || !everyStep(gd)) return;
  const index = names(gd).map(Number).indexOf(player.pendingStep);
  player.pendingStep = undefined;
  if (index >= 0) show(gd, index);
}
function labelCharts() {
  // Each chart's text alternative (the figure's layout.meta.description, written by the page) as its label.
  for (const gd of document.querySelectorAll('.js-plotly-plot')) {
    const words = gd.layout && gd.layout.meta && gd.layout.meta.description;
    if (words && gd.getAttribute('aria-label') !== words) {
      gd.setAttribute('role', 'figure');
      gd.setAttribute('aria-label', words);
    }
  }
}
function focusableScrolling() {
  // An equation wider than its column scrolls sideways: a keyboard must reach it to scroll it (WCAG 2.1.1).
  for (const block of document.querySelectorAll('.katex-display')) {
    if (block.tabIndex < 0 && block.scrollWidth > block.clientWidth + 1) {
      block.tabIndex = 0;
      block.setAttribute('role', 'group');
      block.setAttribute('aria-label', 'Equation, scrolls sideways with the arrow keys');
    }
  }
}
function typing(target) {
  if (!target || !target.closest) return false;
  return !!target.closest('input, textarea, select, [contenteditable="true"], [role="slider"], [role="combobox"]');
}
function onKey(event) {
  // composedPath()[0]: the element inside a component's shadow root (the live sliders), not its host
  const target = event.composedPath ? event.composedPath()[0] : event.target;
  if (event.altKey || event.ctrlKey || event.metaKey || typing(target)) return;
  const player = state();
  if (event.key === 'PageDown' || event.key === 'PageUp') {
    if (player.lesson && player.trigger) {
      event.preventDefault();
      player.trigger('scene', event.key === 'PageDown' ? 'next' : 'previous');
    }
    return;
  }
  if (!window.Plotly) return;
  if (event.key === 'f' || event.key === 'F') {
    const any = anyChart();
    if (any) { toggleFullscreen(any); event.preventDefault(); }
    return;
  }
  const gd = chart();
  if (!gd) return;
  hook(gd);
  const index = currentIndex(gd), last = names(gd).length - 1;
  if (event.shiftKey && (event.key === 'ArrowRight' || event.key === 'ArrowLeft')) {
    stepOne(gd, event.key === 'ArrowRight' ? 1 : -1);
    event.preventDefault();
    return;
  }
  switch (event.key) {
    case ' ': player.playing ? pause(gd) : play(gd); break;
    case 'ArrowRight': show(gd, index + 1); break;
    case 'ArrowLeft': show(gd, index - 1); break;
    case 'Home': show(gd, 0); break;
    case 'End': show(gd, last); break;
    case 'f': case 'F': toggleFullscreen(anyChart()); break;
    default: return;
  }
  event.preventDefault();
}
export default function(component) {
  const { data, setTriggerValue, setStateValue, parentElement } = component;
  const player = state();
  player.trigger = setTriggerValue;
  player.setState = setStateValue;
  player.reportsFrame = !!(data && data.frame);
  if (data && data.seek) {  // a new step typed in (not the one the page opened with, where the chart starts)
    if (player.lastSeek !== undefined && data.seek !== player.lastSeek) player.seek = data.seek;
    player.lastSeek = data.seek;
  }
  player.lesson = !!(data && data.lesson);
  player.strideAware = !!(data && data.stride);
  if (data && data.present && !player.presenting) {  // presentation mode just began: from the page's top
    for (const box of document.querySelectorAll('[data-testid="stMain"], [data-testid="stAppViewContainer"], '
                                                + '[data-testid="stMainBlockContainer"], section.main')) {
      box.scrollTop = 0;
    }
    window.scrollTo(0, 0);
  }
  player.presenting = !!(data && data.present);
  if (!player.installed) {
    player.installed = true;
    document.addEventListener('keydown', onKey, true);
    document.addEventListener('fullscreenchange', onFullscreenChange);
    document.addEventListener('click', onToolbarFullscreen, true);
    setInterval(() => {
      guardRedraws();
      charts().forEach(gd => { hook(gd); repair(gd); });
      takePendingStep();
      seekPending();
      focusableScrolling();
      labelCharts();
    }, 300);
    let resizing = null;
    window.addEventListener('resize', () => {
      clearTimeout(resizing);
      resizing = setTimeout(() => state().report && !document.fullscreenElement && state().report(), 400);
    });
  }
  const keys = parentElement.querySelector('.keys');
  if (keys) keys.textContent = KEYS + (player.lesson ? ' · PgUp/PgDn scene' : '');
  player.report = () => {
    const reporting = !!data && Math.abs(window.innerHeight - (data.viewport || 0)) > 40;
    const narrowing = !!data && data.narrowBelow && (window.innerWidth < data.narrowBelow) !== !!data.narrow;
    // "0" while the page is about to rerun for the window's size (a test waits for "1": the page as it stays)
    document.documentElement.dataset.viewportSettled = reporting || narrowing ? "0" : "1";
    if (reporting) {
      // A value equal to the one sent before makes no rerun (a new session after a reconnect has lost it): a
      // quarter pixel more, which the server rounds away, makes it a new value.
      const sent = window.__adamaxViewportSent, height = window.innerHeight + (sent === window.innerHeight ? 0.25 : 0);
      window.__adamaxViewportSent = height;
      setStateValue('viewport', height);
    }
    // A phone: the width, when it is on the other side of the narrow threshold from what Python assumes
    // (wide until told), so a wide screen never costs a rerun.
    if (narrowing) {
      setStateValue('width', window.innerWidth);
    }
  };
  player.report();
  const copy = parentElement.querySelector('.copy');
  if (copy) copy.onclick = () => {
    const label = copy.querySelector('span') || copy;
    const done = text => { label.textContent = text; setTimeout(() => { label.textContent = 'Copy link'; }, 2000); };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(window.location.href).then(() => done('✓ Link copied'),
                                                               () => window.prompt('Copy this link:', location.href));
    } else {
      window.prompt('Copy this link:', window.location.href);  // no clipboard API outside https or localhost
    }
  };
  const playButton = parentElement.querySelector('.play');
  if (playButton) playButton.onclick = () => {
    const gd = chart();
    if (!gd) return;
    hook(gd);
    (animating(gd) || state().playing) ? pause(gd) : play(gd);
  };
  for (const [selector, direction] of [['.step-back', -1], ['.step-forward', 1]]) {
    const step = parentElement.querySelector(selector);
    if (step) step.onclick = () => { const gd = chart(); if (gd) stepOne(gd, direction); };
  }
  const button = parentElement.querySelector('.fullscreen');
  if (button) button.onclick = () => { const gd = anyChart(); if (gd) toggleFullscreen(gd); };
}
""".replace("__FRAME_MS__", str(FRAME_MS))

_player = st.components.v2.component("adamax_player", html=HTML, css=CSS, js=JS)


def draw_player(*, lesson: bool, on_scene: Callable[[], None] | None = None, frame_key: str | None = None) -> None:
    """Mount the player under the chart. `on_scene` runs when PageUp/PageDown ask for another scene (read the
    direction with `scene_request()`). The window's height is kept in st.session_state["viewport_height"] (one rerun
    when it changes by more than 40 px: the chart is fitted to it, ui/layout.py). With `frame_key`, the step
    where the chart's scrubber comes to rest is written to st.session_state[frame_key] (the
    Inside AdaMax equations follow the scrubber)."""
    _player(key="player", data={"lesson": lesson, "stride": frame_key is None,  # Inside AdaMax: fixed frames
                                "viewport": st.session_state.get("viewport_height") or 0,
                                "present": bool(st.session_state.get("present")),
                                "seek": int(st.session_state.get(frame_key) or 0) if frame_key else 0,
                                "frame": bool(frame_key),
                                "narrowBelow": NARROW_BELOW, "narrow": phone.narrow()},
            on_scene_change=on_scene or (lambda: None), on_viewport_change=_store_viewport,
            on_frame_change=lambda: _store_frame(frame_key), on_width_change=_store_width,
            on_stride_change=_store_stride)


def _store_stride() -> None:
    """The one-iteration step asked for a frame every iteration (the sidebar's stride, kept in the link)."""
    value = st.session_state.get("player")
    stride = value.get("stride") if hasattr(value, "get") else getattr(value, "stride", None)
    if stride == 1:
        st.session_state["frame_stride"] = 1


def _store_frame(key: str | None) -> None:
    value = st.session_state.get("player")
    frame = value.get("frame") if hasattr(value, "get") else getattr(value, "frame", None)
    if key and isinstance(frame, int | float) and frame >= 1:
        st.session_state[key] = int(frame)


def _store_width() -> None:
    """The window's width, which the component sends when it crosses NARROW_BELOW (ui/modes/phone.py)."""
    value = st.session_state.get("player")
    width = value.get("width") if hasattr(value, "get") else getattr(value, "width", None)
    if isinstance(width, int | float) and 100 <= width <= 100_000:
        st.session_state[phone.KEY] = int(width)


def _store_viewport() -> None:
    value = st.session_state.get("player")
    height = value.get("viewport") if hasattr(value, "get") else getattr(value, "viewport", None)
    if isinstance(height, int | float) and 200 <= height <= 10_000:
        st.session_state["viewport_height"] = int(height)


def scene_request() -> str | None:
    """"next" or "previous" when this rerun was caused by PageDown / PageUp (read it in `on_scene`), else None."""
    value = st.session_state.get("player")
    if value is None:
        return None
    scene = value.get("scene") if hasattr(value, "get") else getattr(value, "scene", None)
    return scene if scene in ("next", "previous") else None
