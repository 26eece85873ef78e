import {h, fill} from './dom.js';
import * as api from './api.js';

/** Lines kept in memory for filtering; lines drawn in the page (older ones are dropped from the page). */
const KEPT = 5000;
const DRAWN = 1000;

/**
 * The live log of an app: follows GET /v2/apps/:guid/logs?follow=true (NDJSON), like `strato logs --follow`.
 * Lines arrive into a queue and are drawn at most once per animation frame in one batch, so an app logging
 * hundreds of lines a second costs one DOM update per frame, and the page keeps at most DRAWN rows.
 */
export class LogView {
  constructor(guid) {
    this.guid = guid;
    this.lines = [];
    this.queue = [];
    this.paused = false;
    this.unseen = 0;
    this.frame = 0;
    this.stopped = false;
    this.sources = new Set();
    this.indexes = new Set();
    this.source = h('select', {id: 'log-source', onchange: () => this.redraw()}, h('option', {value: ''}, 'All sources'));
    this.instance = h('select', {id: 'log-instance', onchange: () => this.redraw()}, h('option', {value: ''}, 'All instances'));
    this.text = h('input', {type: 'search', id: 'log-filter', placeholder: 'Filter text', 'aria-label': 'Filter log lines'});
    this.text.addEventListener('input', () => this.redraw());
    this.pauseButton = h('button', {id: 'log-pause', 'aria-pressed': 'false', onclick: () => this.togglePause()}, 'Pause');
    this.status = h('span', {class: 'log-status', role: 'status', id: 'log-status'}, 'Connecting…');
    this.output = h('div', {class: 'log', id: 'log', role: 'log', 'aria-live': 'off', tabindex: '0'});
    this.element = h('div', {class: 'logview'},
        h('div', {class: 'row toolbar'},
            h('label', {}, h('span', {class: 'sr-only'}, 'Source'), this.source),
            h('label', {}, h('span', {class: 'sr-only'}, 'Instance'), this.instance),
            this.text, this.pauseButton,
            h('button', {onclick: () => { this.lines = []; this.redraw(); }}, 'Clear'),
            this.status),
        this.output);
  }

  async start() {
    let delay = 500;
    while (!this.stopped) {
      this.abort = new AbortController();
      try {
        const r = await api.request('GET', '/v2/apps/' + this.guid + '/logs?follow=true&num=' + (this.lines.length ? 0 : 200),
            {raw: true, signal: this.abort.signal});
        this.status.textContent = this.paused ? 'Paused' : 'Following';
        delay = 500;
        await api.streamLines(r, line => this.receive(JSON.parse(line)));
      } catch (e) {
        if (this.stopped) return;
        this.status.textContent = 'Disconnected: ' + e.message + '; reconnecting…';
      }
      await new Promise(resolve => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, 10000);
    }
  }

  stop() {
    this.stopped = true;
    if (this.abort) this.abort.abort();
    cancelAnimationFrame(this.frame);
  }

  receive(line) {
    this.lines.push(line);
    if (this.lines.length > KEPT) this.lines.splice(0, this.lines.length - KEPT);
    this.learn(line);
    if (this.paused) {
      this.unseen++;
      this.status.textContent = 'Paused: ' + this.unseen + ' new line(s)';
      return;
    }
    this.queue.push(line);
    if (!this.frame) this.frame = requestAnimationFrame(() => this.flush());
  }

  /** Adds sources and instance indexes seen to the filter menus. */
  learn(line) {
    if (!this.sources.has(line.source)) {
      this.sources.add(line.source);
      this.source.append(h('option', {value: line.source}, line.source));
    }
    const index = String(line.index);
    if (line.index >= 0 && !this.indexes.has(index)) {
      this.indexes.add(index);
      this.instance.append(h('option', {value: index}, 'Instance ' + index));
    }
  }

  matches(line) {
    const needle = this.text.value.toLowerCase();
    return (!this.source.value || line.source === this.source.value)
        && (!this.instance.value || String(line.index) === this.instance.value)
        && (!needle || line.line.toLowerCase().includes(needle));
  }

  row(line) {
    const time = new Date(line.timestamp).toISOString().slice(11, 23);
    return h('div', {class: 'log-line' + (line.stream === 'stderr' ? ' stderr' : '')},
        h('span', {class: 'log-time'}, time),
        h('span', {class: 'log-source'}, line.source + (line.index >= 0 ? '/' + line.index : '')),
        h('span', {class: 'log-text'}, line.line));
  }

  /** Draws the queued lines in one batch. */
  flush() {
    this.frame = 0;
    const batch = this.queue.filter(l => this.matches(l)).slice(-DRAWN);
    this.queue = [];
    if (!batch.length) return;
    const atBottom = this.output.scrollHeight - this.output.scrollTop - this.output.clientHeight < 40;
    const fragment = document.createDocumentFragment();
    batch.forEach(l => fragment.append(this.row(l)));
    this.output.append(fragment);
    const extra = this.output.childElementCount - DRAWN;
    for (let i = 0; i < extra; i++) this.output.firstElementChild.remove();
    if (atBottom) this.output.scrollTop = this.output.scrollHeight;
  }

  redraw() {
    this.queue = [];
    fill(this.output);
    this.queue = this.lines.slice();
    this.unseen = 0;
    if (!this.paused) this.flush();
  }

  togglePause() {
    this.paused = !this.paused;
    this.pauseButton.textContent = this.paused ? 'Follow' : 'Pause';
    this.pauseButton.setAttribute('aria-pressed', String(this.paused));
    this.status.textContent = this.paused ? 'Paused' : 'Following';
    if (!this.paused) this.redraw();
  }
}
