import {h, fill, field, table, megabytes, bytes, duration, ago} from '../dom.js';
import * as api from '../api.js';
import * as ui from '../ui.js';
import {appUrl} from './apps.js';
import {LogView} from '../logview.js';
import {followStaging} from '../staging.js';

const TABS = [['overview', 'Overview'], ['logs', 'Logs'], ['env', 'Environment'], ['routes', 'Routes'],
  ['services', 'Services'], ['events', 'Events']];

/** One app: instances and actions, logs, environment, routes, services, events. */
export async function appPage(guid, tab, again) {
  let app;
  try {
    app = await api.get('/v2/apps/' + guid);
  } catch (e) {
    fill(await ui.frame('apps', again), h('p', {class: 'empty'}, e.message), h('a', {href: '#/apps'}, 'Back to the apps'));
    return null;
  }
  // the picker shows the app's own space, so that a push or a new service from here goes where the app is
  await ui.followSpace(app.entity.space_guid);
  const main = await ui.frame('apps', again);
  const title = h('span', {}, app.entity.name);
  const state = h('span', {id: 'app-state'}, ui.badge(app.entity.state));
  const body = h('section', {class: 'tab-body', id: 'tab-' + tab, 'aria-labelledby': 'tab-link-' + tab});
  fill(main,
      h('p', {class: 'crumbs'}, h('a', {href: '#/apps'}, 'Apps'), ' / ', app.entity.name),
      h('div', {class: 'page-head'}, h('h1', {}, title, ' ', state)),
      h('nav', {class: 'tabs', 'aria-label': 'App'}, TABS.map(([id, label]) => h('a', {
        href: '#/apps/' + guid + '/' + id, id: 'tab-link-' + id, class: id === tab ? 'current' : null,
        'aria-current': id === tab ? 'page' : null}, label))),
      body);
  const pages = {overview, logs, env, routes, services, events};
  return (pages[tab] || overview)(body, guid, app, state);
}

async function reload(guid) {
  return api.get('/v2/apps/' + guid);
}

/** Sets the app's state; a start that stages streams the staging log into logBox. */
async function setState(guid, wanted, logBox) {
  const r = await api.request('PUT', '/v2/apps/' + guid, {json: {state: wanted}, raw: true});
  const stagingLog = r.headers.get('X-App-Staging-Log');
  if (stagingLog && logBox) await followStaging(stagingLog, logBox);
}

async function overview(body, guid, app, stateSlot) {
  const t = ui.target();
  const logBox = h('pre', {class: 'staging-log', id: 'staging-log', hidden: true, 'aria-label': 'Staging log', tabindex: '0'});
  const details = h('dl', {class: 'facts'});
  const instancesBox = h('div', {id: 'instances'}, ui.spinner('Reading instances…'));
  const instancesInput = h('input', {type: 'number', id: 'scale-instances', min: '0', max: '100', value: String(app.entity.instances)});
  const memoryInput = h('input', {type: 'number', id: 'scale-memory', min: '16', step: '16', value: String(app.entity.memory)});
  const quota = h('p', {class: 'hint', id: 'quota'});
  const actions = h('div', {class: 'actions'});
  const refreshApp = async () => {
    app = await reload(guid);
    const e = app.entity;
    fill(stateSlot, ui.badge(e.state));
    const urls = await api.all('/v2/apps/' + guid + '/routes');
    fill(details,
        h('dt', {}, 'Instances'), h('dd', {}, String(e.instances)),
        h('dt', {}, 'Memory'), h('dd', {}, megabytes(e.memory) + ' per instance'),
        h('dt', {}, 'Disk'), h('dd', {}, megabytes(e.disk_quota)),
        h('dt', {}, 'Buildpack'), h('dd', {}, e.detected_buildpack || e.buildpack || '—'),
        h('dt', {}, 'Package'), h('dd', {}, e.package_state + (e.staging_failed_reason ? ': ' + e.staging_failed_reason : '')),
        e.placement_error ? [h('dt', {}, 'Placement'), h('dd', {class: 'warn'}, e.placement_error)] : null,
        h('dt', {}, 'URLs'), h('dd', {}, await Promise.all(urls.map(async r => {
          const uri = r.entity.host + '.' + (r.entity.domain_name || await domainName(r));
          return h('a', {href: await appUrl(uri), target: '_blank', rel: 'noreferrer', class: 'url'}, uri);
        }))),
        h('dt', {}, 'Last change'), h('dd', {}, ago(app.metadata.updated_at)));
    fill(actions,
        button('Start', 'start', 'Starting…', e.state === 'STARTED', async () => {
          logBox.hidden = false;
          await setState(guid, 'STARTED', logBox);
        }),
        button('Stop', 'stop', 'Stopping…', e.state !== 'STARTED', () => setState(guid, 'STOPPED')),
        button('Restart', 'restart', 'Restarting…', e.state !== 'STARTED', async () => {
          await setState(guid, 'STOPPED');
          logBox.hidden = false;
          await setState(guid, 'STARTED', logBox);
        }),
        h('button', {class: 'danger', id: 'delete', onclick: async ev => {
          if (!await ui.confirm('Delete the app ' + e.name + ' with its routes mappings, bindings and logs?')) return;
          const done = await ui.busy(ev.target, 'Deleting…', async () => {
            await api.del('/v2/apps/' + guid);
            return true;
          });
          if (done) location.hash = '#/apps';
        }}, 'Delete'));
  };
  const button = (label, id, progress, disabled, action) => h('button', {id, disabled, onclick: async ev => {
    await ui.busy(ev.target, progress, action);
    await refreshApp().catch(ui.error);
    await refreshInstances();
  }}, label);
  const refreshInstances = async () => {
    try {
      fill(instancesBox, instanceTable(await instances(guid, app)));
    } catch (e) {
      fill(instancesBox, h('p', {class: 'empty'}, e.message));
    }
  };
  const scale = h('form', {class: 'scale card', id: 'scale', onsubmit: async ev => {
    ev.preventDefault();
    const submit = ev.target.querySelector('button');
    await ui.busy(submit, 'Scaling…', async () => {
      await api.put('/v2/apps/' + guid, {instances: Number(instancesInput.value), memory: Number(memoryInput.value)});
      ui.notice('Scaled ' + app.entity.name + ' to ' + instancesInput.value + ' × ' + megabytes(Number(memoryInput.value)) + '.');
    });
    await refreshApp().catch(ui.error);
    await refreshInstances();
    showQuota();
  }}, h('h2', {}, 'Scale'), h('div', {class: 'row'}, field('Instances', instancesInput), field('Memory per instance (MB)', memoryInput),
      h('button', {type: 'submit', class: 'primary'}, 'Scale')), quota);
  const showQuota = async () => {
    if (!t.org) return;
    try {
      const summary = await api.get('/v2/organizations/' + t.org + '/summary');
      const q = summary.quota;
      if (!q) return;
      const e = q.entity;
      quota.textContent = 'Organization quota “' + e.name + '”: ' + megabytes(q.usage.memory) + ' of ' + megabytes(e.memory_limit)
          + ' memory in use' + (e.instance_memory_limit >= 0 ? ', at most ' + megabytes(e.instance_memory_limit) + ' per instance' : '')
          + (e.app_instance_limit >= 0 ? ', ' + q.usage.app_instances + ' of ' + e.app_instance_limit + ' instances' : '') + '.';
    } catch (e) {
      quota.textContent = '';
    }
  };
  fill(body,
      h('div', {class: 'grid'},
          h('div', {class: 'card'}, actions, details),
          scale),
      logBox,
      h('h2', {}, 'Instances'),
      instancesBox);
  await refreshApp();
  showQuota();
  await refreshInstances();
  const timer = setInterval(refreshInstances, 2000);
  return () => clearInterval(timer);
}

const domains = new Map();

async function domainName(route) {
  const guid = route.entity.domain_guid;
  if (!domains.has(guid)) domains.set(guid, api.get('/v2/shared_domains/' + guid).then(d => d.entity.name).catch(() => ''));
  return domains.get(guid);
}

/** Instance states from /instances with host, uptime, CPU and memory from /stats for those that run. */
async function instances(guid, app) {
  if (app.entity.state !== 'STARTED') return [];
  const [states, stats, crashes] = await Promise.all([
    api.get('/v2/apps/' + guid + '/instances'),
    api.get('/v2/apps/' + guid + '/stats').catch(() => ({})),
    api.get('/v2/events?' + api.q('type', 'app.crash') + '&' + api.q('actee', guid) + '&results-per-page=50')
        .then(page => page.resources).catch(() => []),
  ]);
  // a crashed instance is replaced within a second or two: its last crash stays visible beside the new one
  const lastCrash = new Map();
  crashes.forEach(c => {
    const index = String(c.entity.metadata.index);
    if (!lastCrash.has(index)) lastCrash.set(index, c.entity);
  });
  return Object.keys(states).sort((a, b) => a - b).map(index => {
    const s = states[index];
    const st = stats[index] && stats[index].stats;
    return {index, state: s.state, details: s.details, since: s.since, stats: st, crash: lastCrash.get(index)};
  });
}

/** DEAs that do not measure usage report zeros: shown as unknown, not as idle. */
function measured(i) {
  return i.stats && i.stats.usage && (i.stats.usage.cpu > 0 || i.stats.usage.mem > 0);
}

function instanceTable(list) {
  return table(['#', 'State', 'Host', 'Uptime', 'CPU', 'Memory', 'Last crash'], list.map(i => h('tr', {class: 'instance', 'data-index': i.index},
      h('td', {class: 'num'}, i.index),
      h('td', {}, ui.badge(i.state), i.details ? h('span', {class: 'detail'}, ' ' + i.details) : null),
      h('td', {}, i.stats ? i.stats.host + ':' + i.stats.port : '—'),
      h('td', {}, i.stats ? duration(i.stats.uptime) : i.since ? 'since ' + new Date(i.since * 1000).toLocaleTimeString() : '—'),
      h('td', {class: 'num'}, measured(i) ? (i.stats.usage.cpu * 100).toFixed(1) + ' %' : '—'),
      h('td', {class: 'num'}, i.stats ? (measured(i) ? bytes(i.stats.usage.mem) : '—') + ' of ' + bytes(i.stats.mem_quota) : '—'),
      h('td', {class: 'crash-cell'}, i.crash ? [ui.badge('CRASHED'), ' ' + ago(i.crash.timestamp) + ': '
          + (i.crash.metadata.exit_description || i.crash.metadata.reason || '')] : '—'))),
  'No instances: the app is stopped.');
}

async function logs(body, guid) {
  const view = new LogView(guid);
  fill(body, view.element);
  view.start();
  return () => view.stop();
}

/** Marks every credential value so it shows only after "Show secrets". */
function masked(value, reveal) {
  if (reveal) return JSON.stringify(value, null, 2);
  return JSON.stringify(value, (key, v) => {
    if (key === 'credentials' && v && typeof v === 'object') {
      return Object.fromEntries(Object.keys(v).map(k => [k, '••••••']));
    }
    return v;
  }, 2);
}

async function env(body, guid, app) {
  let data;
  try {
    data = await api.get('/v2/apps/' + guid + '/env');
  } catch (e) {
    fill(body, h('p', {class: 'empty'}, e.message));
    return null;
  }
  const rows = h('tbody', {});
  const addRow = (k = '', v = '') => {
    const row = h('tr', {},
        h('td', {}, h('input', {class: 'env-key', value: k, 'aria-label': 'Name', placeholder: 'NAME'})),
        h('td', {}, h('input', {class: 'env-value', value: v, 'aria-label': 'Value'})),
        h('td', {}, h('button', {type: 'button', class: 'link', onclick: () => row.remove()}, 'Remove')));
    rows.append(row);
  };
  Object.entries(data.environment_json || {}).forEach(([k, v]) => addRow(k, typeof v === 'string' ? v : JSON.stringify(v)));
  if (!rows.children.length) addRow();
  const vcap = (data.system_env_json || {}).VCAP_SERVICES || {};
  const services = h('pre', {class: 'json', id: 'vcap-services', tabindex: '0'}, masked(vcap, false));
  let revealed = false;
  const toggle = h('button', {type: 'button', id: 'reveal', 'aria-pressed': 'false', onclick: () => {
    revealed = !revealed;
    services.textContent = masked(vcap, revealed);
    toggle.textContent = revealed ? 'Hide secrets' : 'Show secrets';
    toggle.setAttribute('aria-pressed', String(revealed));
  }}, 'Show secrets');
  fill(body,
      h('form', {class: 'card', id: 'env-form', onsubmit: async ev => {
        ev.preventDefault();
        const out = {};
        for (const row of rows.children) {
          const k = row.querySelector('.env-key').value.trim();
          if (k) out[k] = row.querySelector('.env-value').value;
        }
        const ok = await ui.busy(ev.submitter || ev.target.querySelector('[type=submit]'), 'Saving…', async () => {
          await api.put('/v2/apps/' + guid, {environment_json: out});
          return true;
        });
        if (ok) ui.notice('Environment saved; running instances restart with it.');
      }},
      h('h2', {}, 'Your variables'),
      h('div', {class: 'table-wrap'}, h('table', {class: 'env'}, h('thead', {}, h('tr', {}, h('th', {}, 'Name'), h('th', {}, 'Value'), h('th', {}, ''))), rows)),
      h('div', {class: 'actions'},
          h('button', {type: 'button', onclick: () => addRow()}, 'Add variable'),
          h('button', {type: 'submit', class: 'primary'}, 'Save'))),
      h('div', {class: 'card'},
          h('div', {class: 'page-head'}, h('h2', {}, 'VCAP_SERVICES (read-only)'), toggle),
          Object.keys(vcap).length ? services : h('p', {class: 'empty'}, 'No bound services.')));
  return null;
}

async function routes(body, guid, app) {
  const list = h('div', {}, ui.spinner());
  const host = h('input', {id: 'route-host', required: true, pattern: '[a-z0-9]([a-z0-9\\-]*[a-z0-9])?', placeholder: 'host'});
  const domainSelect = h('select', {id: 'route-domain', 'aria-label': 'Domain'});
  const draw = async () => {
    const mapped = await api.all('/v2/apps/' + guid + '/routes');
    fill(list, table(['Route', ''], await Promise.all(mapped.map(async r => {
      const uri = r.entity.host + '.' + await domainName(r);
      return h('tr', {}, h('td', {}, h('a', {href: await appUrl(uri), target: '_blank', rel: 'noreferrer'}, uri)),
          h('td', {}, h('button', {class: 'link', onclick: async ev => {
            await ui.busy(ev.target, 'Unmapping…', () => api.del('/v2/apps/' + guid + '/routes/' + r.metadata.guid));
            await draw();
          }}, 'Unmap')));
    })), 'No routes: the app is not reachable from outside.'));
  };
  const domains = await api.all('/v2/shared_domains');
  domains.forEach(d => domainSelect.append(h('option', {value: d.metadata.guid}, d.entity.name)));
  fill(body, list, h('form', {class: 'card row', id: 'map-route', onsubmit: async ev => {
    ev.preventDefault();
    await ui.busy(ev.target.querySelector('button'), 'Mapping…', async () => {
      const existing = (await api.all('/v2/routes?' + api.q('host', host.value)))
          .find(r => r.entity.domain_guid === domainSelect.value);
      const route = existing || await api.post('/v2/routes', {host: host.value, domain_guid: domainSelect.value, space_guid: app.entity.space_guid});
      await api.put('/v2/apps/' + guid + '/routes/' + route.metadata.guid);
      host.value = '';
    });
    await draw();
  }}, field('Host', host), field('Domain', domainSelect), h('button', {type: 'submit', class: 'primary'}, 'Map route')));
  await draw();
  return null;
}

async function services(body, guid, app) {
  const list = h('div', {}, ui.spinner());
  const select = h('select', {id: 'bind-instance', 'aria-label': 'Service instance'});
  const form = h('form', {class: 'card row', id: 'bind', onsubmit: async ev => {
    ev.preventDefault();
    if (!select.value) return;
    await ui.busy(ev.target.querySelector('button'), 'Binding…', () =>
      api.post('/v2/service_bindings', {service_instance_guid: select.value, app_guid: guid}));
    await draw();
  }}, field('Service instance', select), h('button', {type: 'submit', class: 'primary'}, 'Bind'),
  h('a', {href: '#/services'}, 'Create a service instance'));
  const draw = async () => {
    const [bindings, all] = await Promise.all([
      api.all('/v2/apps/' + guid + '/service_bindings'),
      api.all('/v2/service_instances?' + api.q('space_guid', app.entity.space_guid)),
    ]);
    const names = new Map(all.map(i => [i.metadata.guid, i.entity.name]));
    const bound = new Set(bindings.map(b => b.entity.service_instance_guid));
    fill(select, all.filter(i => !bound.has(i.metadata.guid)).map(i => h('option', {value: i.metadata.guid}, i.entity.name)));
    fill(list, table(['Service instance', 'Bound', ''], bindings.map(b => h('tr', {},
        h('td', {}, names.get(b.entity.service_instance_guid) || b.entity.service_instance_guid),
        h('td', {}, ago(b.metadata.created_at)),
        h('td', {}, h('button', {class: 'link', onclick: async ev => {
          if (!await ui.confirm('Unbind ' + names.get(b.entity.service_instance_guid) + '? Running instances restart.', 'Unbind')) return;
          await ui.busy(ev.target, 'Unbinding…', () => api.del('/v2/service_bindings/' + b.metadata.guid));
          await draw();
        }}, 'Unbind')))), 'No services bound.'));
  };
  fill(body, list, form);
  await draw();
  return null;
}

async function events(body, guid) {
  const list = await api.get('/v2/events?' + api.q('actee', guid) + '&results-per-page=100');
  fill(body, table(['When', 'Event', 'By', 'Details'], list.resources.map(ev => {
    const e = ev.entity;
    const m = e.metadata || {};
    const detail = e.type === 'app.crash'
        ? 'instance ' + m.index + ': ' + (m.exit_description || m.reason || '') + (m.exit_status !== null && m.exit_status !== undefined ? ' (exit ' + m.exit_status + ')' : '')
        : m.request ? JSON.stringify(m.request) : '';
    return h('tr', {class: e.type === 'app.crash' ? 'crash' : null},
        h('td', {}, new Date(e.timestamp).toLocaleString()),
        h('td', {}, e.type),
        h('td', {}, e.actor_name || e.actor),
        h('td', {}, detail));
  }), 'No events yet.'));
  return null;
}
