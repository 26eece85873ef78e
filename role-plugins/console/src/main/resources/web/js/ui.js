// The frame around every page: header, navigation, the org and space picker, messages and progress.
import {h, fill} from './dom.js';
import * as api from './api.js';

const TARGET_KEY = 'strato.target';

/** The org and space the user works in, kept for the tab like the session. */
export function target() {
  try {
    return JSON.parse(sessionStorage.getItem(TARGET_KEY)) || {};
  } catch (e) {
    return {};
  }
}

export function setTarget(t) {
  sessionStorage.setItem(TARGET_KEY, JSON.stringify(t));
}

/** Makes the space (and its organization) the target, when it is not already. */
export async function followSpace(spaceGuid) {
  if (target().space === spaceGuid) return;
  const space = await api.get('/v2/spaces/' + spaceGuid);
  setTarget({org: space.entity.organization_guid, space: spaceGuid});
}

let notices;

/** Shows an error in words; the API's description when there is one. */
export function error(e) {
  const text = e instanceof api.ApiError || (e && e.message) ? e.message : String(e);
  notice(text, 'error');
}

export function notice(text, kind = 'info') {
  if (!notices) return;
  const item = h('div', {class: 'notice ' + kind, role: kind === 'error' ? 'alert' : 'status'},
      h('span', {}, text),
      h('button', {class: 'link', 'aria-label': 'Dismiss', onclick: () => item.remove()}, '×'));
  notices.append(item);
  if (kind !== 'error') setTimeout(() => item.remove(), 6000);
}

export function clearNotices() {
  if (notices) notices.replaceChildren();
}

/**
 * Runs a long action while its button shows progress and is disabled; errors are shown in words.
 * Returns the action's result, or undefined when it failed.
 */
export async function busy(button, label, action) {
  const original = button ? button.textContent : '';
  if (button) {
    button.disabled = true;
    button.classList.add('busy');
    button.textContent = label;
    button.setAttribute('aria-busy', 'true');
  }
  try {
    return await action();
  } catch (e) {
    error(e);
    return undefined;
  } finally {
    if (button) {
      button.disabled = false;
      button.classList.remove('busy');
      button.textContent = original;
      button.removeAttribute('aria-busy');
    }
  }
}

export function spinner(text = 'Loading…') {
  return h('p', {class: 'loading', role: 'status'}, h('span', {class: 'spin', 'aria-hidden': 'true'}), text);
}

/** A modal confirmation; resolves true when confirmed. Esc and Cancel resolve false. */
export function confirm(question, action = 'Delete') {
  return new Promise(resolve => {
    const dialog = h('dialog', {class: 'dialog', 'aria-label': question},
        h('p', {}, question),
        h('div', {class: 'actions'},
            h('button', {class: 'danger', value: 'yes'}, action),
            h('button', {value: 'no', autofocus: true}, 'Cancel')));
    dialog.addEventListener('click', e => {
      if (e.target.tagName === 'BUTTON') {
        dialog.close(e.target.value);
      }
    });
    dialog.addEventListener('close', () => {
      resolve(dialog.returnValue === 'yes');
      dialog.remove();
    });
    document.body.append(dialog);
    dialog.showModal();
  });
}

function navLink(href, text, current) {
  return h('a', {href, class: current ? 'current' : null, 'aria-current': current ? 'page' : null}, text);
}

/** Org and space selects; changing one reloads the page for the new target. */
async function targetPicker(onChange) {
  const orgs = await api.all('/v2/organizations');
  const t = target();
  let org = orgs.find(o => o.metadata.guid === t.org) || orgs[0];
  const spaces = org ? await api.all('/v2/organizations/' + org.metadata.guid + '/spaces') : [];
  let space = spaces.find(s => s.metadata.guid === t.space) || spaces[0];
  const next = {org: org && org.metadata.guid, orgName: org && org.entity.name,
    space: space && space.metadata.guid, spaceName: space && space.entity.name};
  if (next.org !== t.org || next.space !== t.space) setTarget(next);
  const orgSelect = h('select', {id: 'org', onchange: async e => {
    setTarget({org: e.target.value});
    onChange();
  }}, orgs.map(o => h('option', {value: o.metadata.guid, selected: org && o.metadata.guid === org.metadata.guid}, o.entity.name)));
  const spaceSelect = h('select', {id: 'space', onchange: e => {
    setTarget({...target(), space: e.target.value});
    onChange();
  }}, spaces.map(s => h('option', {value: s.metadata.guid, selected: space && s.metadata.guid === space.metadata.guid}, s.entity.name)));
  if (!orgs.length) orgSelect.append(h('option', {value: ''}, 'no organization'));
  if (!spaces.length) spaceSelect.append(h('option', {value: ''}, 'no space'));
  return h('div', {class: 'target'},
      h('label', {}, h('span', {}, 'Org'), orgSelect),
      h('label', {}, h('span', {}, 'Space'), spaceSelect));
}

/**
 * Draws the frame and returns the element the page fills. section: which navigation entry is current.
 */
export async function frame(section, onTargetChange) {
  const root = document.getElementById('app');
  const s = api.session();
  const main = h('main', {id: 'main', tabindex: '-1'});
  notices = h('div', {class: 'notices', 'aria-live': 'polite'});
  const nav = h('nav', {'aria-label': 'Main'},
      navLink('#/apps', 'Apps', section === 'apps'),
      navLink('#/push', 'Push', section === 'push'),
      navLink('#/services', 'Services', section === 'services'),
      s.admin ? navLink('#/admin/cluster', 'Cluster', section === 'cluster') : null,
      s.admin ? navLink('#/admin/users', 'Users', section === 'users') : null,
      navLink('#/admin/orgs', 'Orgs & quotas', section === 'orgs'));
  const pickerSlot = h('div', {class: 'target-slot'});
  fill(root,
      h('a', {class: 'skip', href: '#main', onclick: e => { e.preventDefault(); main.focus(); }}, 'Skip to content'),
      h('header', {class: 'top'},
          h('a', {class: 'brand', href: '#/apps'}, h('img', {src: 'favicon.svg', alt: ''}), 'Strato'),
          nav,
          pickerSlot,
          h('div', {class: 'user'},
              h('span', {class: 'who', title: 'Logged in as'}, s.user + (s.admin ? ' (admin)' : '')),
              h('button', {class: 'link', id: 'logout', onclick: () => api.logout()}, 'Log out'))),
      notices,
      main);
  try {
    fill(pickerSlot, await targetPicker(onTargetChange));
  } catch (e) {
    error(e);
  }
  return main;
}

/** A page heading with optional actions on the right. */
export function heading(title, ...actions) {
  return h('div', {class: 'page-head'}, h('h1', {}, title), h('div', {class: 'actions'}, actions));
}

/** The state of an app or instance as a coloured badge with the word in it (colour is never the only cue). */
export function badge(state) {
  const s = String(state || 'UNKNOWN').toUpperCase();
  return h('span', {class: 'badge state-' + s.toLowerCase()}, s);
}
