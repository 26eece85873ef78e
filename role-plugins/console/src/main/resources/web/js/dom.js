// Builds DOM nodes. Values from the API only ever become text nodes or attribute values, never markup.

/**
 * h('button', {class: 'primary', onclick: fn, disabled: true}, 'Start', child...)
 * Strings and numbers become text nodes; null, undefined and false children are skipped; arrays are flattened.
 */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith('on')) {
      el.addEventListener(key.slice(2), value);
    } else if (key === 'class') {
      el.className = value;
    } else if (key === 'value') {
      el.value = value;
    } else if (key === 'checked' || key === 'disabled' || key === 'selected') {
      el[key] = true;
    } else {
      el.setAttribute(key, value === true ? '' : String(value));
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces the children of el. */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/** A label wrapping a form control, so the control has an accessible name. */
export function field(label, control, hint) {
  return h('label', {class: 'field'}, h('span', {class: 'field-label'}, label), control,
      hint ? h('span', {class: 'field-hint'}, hint) : null);
}

export function table(headers, rows, empty) {
  if (!rows.length) return h('p', {class: 'empty'}, empty || 'Nothing here yet.');
  return h('div', {class: 'table-wrap'},
      h('table', {}, h('thead', {}, h('tr', {}, headers.map(x => h('th', {scope: 'col'}, x)))),
          h('tbody', {}, rows)));
}

const UNITS = ['MB', 'GB', 'TB'];

export function megabytes(mb) {
  if (mb === null || mb === undefined || mb < 0) return 'unlimited';
  let value = mb;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1 && value % 1024 === 0) {
    value /= 1024;
    unit++;
  }
  return value + ' ' + UNITS[unit];
}

export function bytes(n) {
  if (!n) return '0 B';
  const units = ['B', 'KB', 'MB', 'GB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return (i ? n.toFixed(1) : n) + ' ' + units[i];
}

export function duration(seconds) {
  seconds = Math.max(0, Math.floor(seconds || 0));
  if (seconds < 60) return seconds + ' s';
  if (seconds < 3600) return Math.floor(seconds / 60) + ' min ' + (seconds % 60) + ' s';
  if (seconds < 86400) return Math.floor(seconds / 3600) + ' h ' + Math.floor(seconds % 3600 / 60) + ' min';
  return Math.floor(seconds / 86400) + ' d ' + Math.floor(seconds % 86400 / 3600) + ' h';
}

export function ago(iso) {
  if (!iso) return '';
  const s = (Date.now() - Date.parse(iso)) / 1000;
  if (s < 60) return 'just now';
  return duration(s) + ' ago';
}
