import {h, fill, table, megabytes, ago} from '../dom.js';
import * as api from '../api.js';
import * as ui from '../ui.js';

let info = null;

/** /v2/info, read once: the port apps answer at when the routers do not listen on 80. */
export async function appUrl(uri) {
  if (!info) info = await api.request('GET', '/v2/info').catch(() => ({}));
  return 'http://' + uri + (info.app_port ? ':' + info.app_port : '');
}

/** The apps of the space: state, instances running/desired, memory, URLs, last change; filtered by name. */
export async function appsPage(again) {
  const main = await ui.frame('apps', again);
  const t = ui.target();
  const filter = h('input', {type: 'search', id: 'app-filter', placeholder: 'Filter by name', 'aria-label': 'Filter apps by name'});
  const list = h('div', {id: 'app-list'}, ui.spinner());
  fill(main,
      ui.heading('Apps' + (t.spaceName ? ' in ' + t.orgName + ' / ' + t.spaceName : ''),
          filter, h('a', {class: 'button primary', href: '#/push'}, 'Push an app')),
      list);
  if (!t.space) {
    fill(list, h('p', {class: 'empty'}, 'You have no space yet: an org manager can give you a role in one.'));
    return null;
  }
  let apps = [];
  const draw = async () => {
    const needle = filter.value.trim().toLowerCase();
    const shown = apps.filter(a => a.name.toLowerCase().includes(needle));
    const rows = await Promise.all(shown.map(async a => h('tr', {},
        h('td', {}, h('a', {href: '#/apps/' + a.guid, class: 'app-name'}, a.name)),
        h('td', {}, ui.badge(a.package_state === 'FAILED' ? 'FAILED' : a.state)),
        h('td', {class: 'num'}, a.state === 'STARTED' ? a.running_instances + ' / ' + a.instances : '0 / ' + a.instances),
        h('td', {class: 'num'}, megabytes(a.memory)),
        h('td', {}, await Promise.all(a.urls.map(async u => h('a', {href: await appUrl(u), rel: 'noreferrer', target: '_blank', class: 'url'}, u)))),
        h('td', {}, ago(a.updated_at)))));
    fill(list, table(['Name', 'State', 'Instances', 'Memory', 'URLs', 'Last change'], rows,
        apps.length ? 'No app matches “' + filter.value + '”.' : 'No apps in this space yet: push one.'));
  };
  const load = async () => {
    const [summary, resources] = await Promise.all([
      api.get('/v2/spaces/' + t.space + '/summary'),
      api.all('/v2/apps?' + api.q('space_guid', t.space)),
    ]);
    const updated = new Map(resources.map(r => [r.metadata.guid, r.metadata.updated_at || r.metadata.created_at]));
    apps = summary.apps.map(a => ({...a, updated_at: updated.get(a.guid)})).sort((a, b) => a.name.localeCompare(b.name));
    await draw();
  };
  filter.addEventListener('input', draw);
  try {
    await load();
  } catch (e) {
    fill(list);
    ui.error(e);
  }
  const timer = setInterval(() => load().catch(() => {}), 5000);
  return () => clearInterval(timer);
}
