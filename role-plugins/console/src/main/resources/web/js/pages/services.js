import {h, fill, field, table, ago} from '../dom.js';
import * as api from '../api.js';
import * as ui from '../ui.js';

/** The marketplace with each service's health, and the space's service instances with their bindings. */
export async function servicesPage(again) {
  const main = await ui.frame('services', again);
  const t = ui.target();
  const market = h('div', {id: 'marketplace'}, ui.spinner());
  const instances = h('div', {id: 'service-instances'}, ui.spinner());
  const name = h('input', {id: 'service-name', required: true, autocomplete: 'off'});
  const plan = h('select', {id: 'service-plan', required: true});
  const create = h('form', {class: 'card row', id: 'create-service', onsubmit: async e => {
    e.preventDefault();
    const ok = await ui.busy(e.target.querySelector('button'), 'Creating…', async () => {
      await api.post('/v2/service_instances', {name: name.value, service_plan_guid: plan.value, space_guid: t.space});
      return true;
    });
    if (ok) {
      ui.notice('Created ' + name.value + '.');
      name.value = '';
      await drawInstances();
    }
  }}, field('Name', name), field('Service and plan', plan), h('button', {type: 'submit', class: 'primary'}, 'Create'));
  fill(main, ui.heading('Services'),
      h('h2', {}, 'Marketplace'), market,
      h('h2', {}, 'Service instances' + (t.spaceName ? ' in ' + t.spaceName : '')), create, instances);

  const [services, plans] = await Promise.all([api.all('/v2/services'), api.all('/v2/service_plans')]);
  const planNames = new Map();
  fill(plan, services.map(s => h('optgroup', {label: s.entity.label},
      plans.filter(p => p.entity.service_guid === s.metadata.guid).map(p => {
        planNames.set(p.metadata.guid, s.entity.label + ' / ' + p.entity.name);
        return h('option', {value: p.metadata.guid, disabled: !s.entity.active}, s.entity.label + ' — ' + p.entity.name);
      }))));
  fill(market, table(['Service', 'Version', 'Description', 'Plans', 'Health'], services.map(s => h('tr', {},
      h('td', {}, s.entity.label),
      h('td', {}, s.entity.version || ''),
      h('td', {}, s.entity.description || ''),
      h('td', {}, plans.filter(p => p.entity.service_guid === s.metadata.guid).map(p => p.entity.name).join(', ')),
      h('td', {}, ui.badge(s.entity.active ? 'UP' : 'DOWN')))), 'No data services in the cluster: add a service role to a node.'));

  const drawInstances = async () => {
    if (!t.space) {
      fill(instances, h('p', {class: 'empty'}, 'Pick a space first.'));
      return;
    }
    const [list, apps] = await Promise.all([
      api.all('/v2/service_instances?' + api.q('space_guid', t.space)),
      api.all('/v2/apps?' + api.q('space_guid', t.space)),
    ]);
    const appNames = new Map(apps.map(a => [a.metadata.guid, a.entity.name]));
    const rows = await Promise.all(list.map(async i => {
      const bindings = await api.all('/v2/service_instances/' + i.metadata.guid + '/service_bindings');
      return h('tr', {},
          h('td', {}, i.entity.name),
          h('td', {}, planNames.get(i.entity.service_plan_guid) || ''),
          h('td', {}, bindings.length ? bindings.map(b => appNames.get(b.entity.app_guid) || b.entity.app_guid).join(', ') : '—'),
          h('td', {}, ago(i.metadata.created_at)),
          h('td', {}, h('button', {class: 'link', onclick: async e => {
            const question = 'Delete ' + i.entity.name + ' and all its data?'
                + (bindings.length ? ' It is bound to ' + bindings.length + ' app(s), which are unbound first.' : '');
            if (!await ui.confirm(question)) return;
            await ui.busy(e.target, 'Deleting…', () => api.del('/v2/service_instances/' + i.metadata.guid + '?recursive=true'));
            await drawInstances();
          }}, 'Delete')));
    }));
    fill(instances, table(['Name', 'Service', 'Bound apps', 'Created', ''], rows, 'No service instances in this space.'));
  };
  await drawInstances().catch(e => { fill(instances); ui.error(e); });
  return null;
}
