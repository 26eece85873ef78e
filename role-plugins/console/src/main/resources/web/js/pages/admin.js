import {h, fill, field, table, megabytes, ago} from '../dom.js';
import * as api from '../api.js';
import * as ui from '../ui.js';

/** The cluster as kato:status shows it (GET /v2/cluster), refreshed every 3 s. */
export async function clusterPage(again) {
  const main = await ui.frame('cluster', again);
  const summary = h('dl', {class: 'facts', id: 'cluster-summary'});
  const nodes = h('div', {id: 'cluster-nodes'}, ui.spinner());
  const services = h('div', {id: 'cluster-services'});
  const warnings = h('ul', {class: 'warnings', id: 'cluster-warnings'});
  const updated = h('p', {class: 'hint', role: 'status'});
  fill(main, ui.heading('Cluster'), h('div', {class: 'card'}, summary, updated), h('h2', {}, 'Warnings'), warnings,
      h('h2', {}, 'Nodes'), nodes, h('h2', {}, 'Data services'), services);
  const draw = async () => {
    const s = await api.get('/v2/cluster');
    fill(summary,
        h('dt', {}, 'Cluster'), h('dd', {}, s.name),
        h('dt', {}, 'App domain'), h('dd', {}, s.app_domain),
        h('dt', {}, 'Primary'), h('dd', {class: s.primary ? null : 'warn'}, s.primary || 'none'),
        h('dt', {}, 'Health manager'), h('dd', {}, s.health_manager ? 'acting on ' + s.health_manager : 'none acting'),
        h('dt', {}, 'This node'), h('dd', {}, s.this_node + (s.this_node_ready ? ' (READY)' : ' (NOT READY)')));
    fill(warnings, s.warnings.length ? s.warnings.map(w => h('li', {class: 'warn'}, w)) : h('li', {class: 'ok'}, 'No warnings.'));
    fill(nodes, table(['Node', 'Address', 'Primary', 'Roles', 'Heartbeat', 'DEA memory', 'Instances'], s.nodes.map(n => h('tr', {},
        h('td', {}, n.name),
        h('td', {}, n.address),
        h('td', {}, n.primary ? 'primary' : ''),
        h('td', {}, h('ul', {class: 'chips'}, Object.entries(n.roles).map(([role, state]) =>
          h('li', {class: 'chip' + (state === 'ACTIVE' ? '' : ' warn')}, state === 'ACTIVE' ? role : role + ' (' + state + ')')))),
        h('td', {}, ago(n.last_heartbeat)),
        h('td', {}, n.dea ? [h('meter', {min: '0', max: String(n.dea.memory_total_mb), value: String(n.dea.memory_used_mb),
          'aria-label': 'DEA memory in use'}), ' ' + n.dea.memory_used_mb + ' / ' + megabytes(n.dea.memory_total_mb)] : '—'),
        h('td', {class: 'num'}, n.dea ? String(n.dea.instances) : '—'))), 'No live nodes.'));
    fill(services, table(['Service', 'Node', 'Health', 'Detail'], s.data_services.map(d => h('tr', {},
        h('td', {}, d.label), h('td', {}, d.node_name), h('td', {}, ui.badge(d.up ? 'UP' : 'DOWN')), h('td', {}, d.detail || ''))),
    'No data services.'));
    updated.textContent = 'Updated ' + new Date().toLocaleTimeString() + '; refreshed every 3 s.';
  };
  await draw().catch(e => { fill(nodes); ui.error(e); });
  const timer = setInterval(() => draw().catch(() => {}), 3000);
  return () => clearInterval(timer);
}

const ORG_ROLES = [['users', 'User'], ['managers', 'Manager'], ['auditors', 'Auditor']];
const SPACE_ROLES = [['developers', 'Developer'], ['managers', 'Manager'], ['auditors', 'Auditor']];

/** Users: create, delete, reset password, give org and space roles. Admins only (the API says so otherwise). */
export async function usersPage(again) {
  const main = await ui.frame('users', again);
  const list = h('div', {id: 'users'}, ui.spinner());
  const name = h('input', {id: 'new-user-name', required: true, autocomplete: 'off'});
  const password = h('input', {id: 'new-user-password', type: 'password', required: true, minlength: '8', autocomplete: 'new-password'});
  const create = h('form', {class: 'card row', id: 'create-user', onsubmit: async e => {
    e.preventDefault();
    const ok = await ui.busy(e.target.querySelector('button'), 'Creating…', async () => {
      await api.post('/Users', {userName: name.value, password: password.value, emails: [{value: name.value}]});
      return true;
    });
    if (ok) {
      ui.notice('Created user ' + name.value + '; give it a role below.');
      name.value = password.value = '';
      await draw();
    }
  }}, field('User name', name), field('Password (at least 8 characters)', password), h('button', {type: 'submit', class: 'primary'}, 'Create user'));

  const orgs = await api.all('/v2/organizations');
  const spaces = await api.all('/v2/spaces');
  const roleUser = h('select', {id: 'role-user', 'aria-label': 'User'});
  const roleWhere = h('select', {id: 'role-where', 'aria-label': 'Organization or space'},
      orgs.map(o => h('optgroup', {label: o.entity.name},
          h('option', {value: 'o:' + o.metadata.guid}, o.entity.name + ' (organization)'),
          spaces.filter(s => s.entity.organization_guid === o.metadata.guid)
              .map(s => h('option', {value: 's:' + s.metadata.guid}, o.entity.name + ' / ' + s.entity.name)))));
  const roleName = h('select', {id: 'role-name', 'aria-label': 'Role'});
  const fillRoles = () => fill(roleName, (roleWhere.value.startsWith('o:') ? ORG_ROLES : SPACE_ROLES)
      .map(([v, label]) => h('option', {value: v}, label)));
  roleWhere.addEventListener('change', fillRoles);
  fillRoles();
  const roles = h('form', {class: 'card row', id: 'give-role', onsubmit: async e => {
    e.preventDefault();
    const [kind, guid] = roleWhere.value.split(':');
    const path = (kind === 'o' ? '/v2/organizations/' : '/v2/spaces/') + guid + '/' + roleName.value;
    const username = roleUser.selectedOptions[0].textContent;
    const ok = await ui.busy(e.target.querySelector('button'), 'Giving…', async () => {
      if (kind === 's') {
        // a space role needs the organization first, as in Cloud Foundry
        const space = spaces.find(s => s.metadata.guid === guid);
        await api.put('/v2/organizations/' + space.entity.organization_guid + '/users', {username});
      }
      await api.put(path, {username});
      return true;
    });
    if (ok) ui.notice(username + ' is now ' + roleName.selectedOptions[0].textContent.toLowerCase() + ' of '
        + roleWhere.selectedOptions[0].textContent + '.');
  }}, field('User', roleUser), field('In', roleWhere), field('Role', roleName), h('button', {type: 'submit', class: 'primary'}, 'Give role'));

  fill(main, ui.heading('Users'), create, roles, list);
  const draw = async () => {
    const users = await api.all('/v2/users');
    fill(roleUser, users.map(u => h('option', {value: u.metadata.guid}, u.entity.username)));
    fill(list, table(['User', 'Admin', 'Created', ''], users.map(u => h('tr', {},
        h('td', {}, u.entity.username),
        h('td', {}, u.entity.admin ? 'yes' : ''),
        h('td', {}, ago(u.metadata.created_at)),
        h('td', {class: 'actions'},
            h('button', {class: 'link', onclick: e => resetPassword(e.target, u)}, 'Reset password'),
            h('button', {class: 'link danger', onclick: async e => {
              if (!await ui.confirm('Delete the user ' + u.entity.username + '? Its tokens end at once.')) return;
              await ui.busy(e.target, 'Deleting…', () => api.del('/Users/' + u.metadata.guid));
              await draw();
            }}, 'Delete')))), 'No users.'));
  };
  await draw().catch(e => { fill(list); ui.error(e); });
  return null;
}

function resetPassword(button, user) {
  const input = h('input', {type: 'password', minlength: '8', required: true, autocomplete: 'new-password'});
  const dialog = h('dialog', {class: 'dialog', 'aria-label': 'New password for ' + user.entity.username},
      h('form', {method: 'dialog', onsubmit: async e => {
        e.preventDefault();
        const ok = await ui.busy(e.submitter, 'Saving…', async () => {
          await api.put('/Users/' + user.metadata.guid + '/password', {password: input.value});
          return true;
        });
        if (ok) {
          dialog.close();
          ui.notice('Password of ' + user.entity.username + ' changed; its sessions ended.');
        }
      }},
      h('p', {}, 'New password for ' + user.entity.username),
      field('Password', input, 'at least 8 characters'),
      h('div', {class: 'actions'}, h('button', {type: 'submit', class: 'primary'}, 'Save'),
          h('button', {type: 'button', onclick: () => dialog.close()}, 'Cancel'))));
  dialog.addEventListener('close', () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
  input.focus();
}

/** A quota with its use: {metadata, entity, usage}, as an organization's summary has it. */
function usage(q) {
  if (!q) return '—';
  const e = q.entity;
  const limit = (used, max, unit) => used + (max >= 0 ? ' of ' + max : '') + unit;
  return [
    h('div', {}, h('meter', {min: '0', max: String(Math.max(e.memory_limit, 1)), value: String(q.usage.memory), 'aria-label': 'Memory in use'}),
        ' ' + megabytes(q.usage.memory) + ' of ' + megabytes(e.memory_limit) + ' memory (quota “' + e.name + '”)'),
    h('div', {class: 'hint'}, limit(q.usage.app_instances, e.app_instance_limit, ' instances') + ', '
        + limit(q.usage.services, e.total_services, ' services') + ', ' + limit(q.usage.routes, e.total_routes, ' routes')),
  ];
}

/** Organizations with their spaces, quotas and use; admins create organizations and change quotas. */
export async function orgsPage(again) {
  const main = await ui.frame('orgs', again);
  const s = api.session();
  const list = h('div', {id: 'orgs'}, ui.spinner());
  const quotas = s.admin ? await api.all('/v2/quota_definitions') : [];
  const orgName = h('input', {id: 'new-org', required: true});
  const createOrg = s.admin ? h('form', {class: 'card row', id: 'create-org', onsubmit: async e => {
    e.preventDefault();
    await ui.busy(e.target.querySelector('button'), 'Creating…', () => api.post('/v2/organizations', {name: orgName.value}));
    orgName.value = '';
    await draw();
  }}, field('New organization', orgName), h('button', {type: 'submit', class: 'primary'}, 'Create')) : null;
  fill(main, ui.heading('Organizations, spaces and quotas'), createOrg, list,
      s.admin ? [h('h2', {}, 'Quota definitions'), table(['Quota', 'Memory', 'Per instance', 'Instances', 'Services', 'Routes'],
          quotas.map(q => h('tr', {}, h('td', {}, q.entity.name), h('td', {}, megabytes(q.entity.memory_limit)),
              h('td', {}, megabytes(q.entity.instance_memory_limit)),
              h('td', {}, q.entity.app_instance_limit < 0 ? 'unlimited' : String(q.entity.app_instance_limit)),
              h('td', {}, String(q.entity.total_services)), h('td', {}, String(q.entity.total_routes)))))] : null);
  const draw = async () => {
    const orgs = await api.all('/v2/organizations');
    const summaries = await Promise.all(orgs.map(o => api.get('/v2/organizations/' + o.metadata.guid + '/summary')));
    fill(list, summaries.map((o, i) => {
      const spaceName = h('input', {required: true, 'aria-label': 'New space in ' + o.name, placeholder: 'new space'});
      const quotaSelect = s.admin ? h('select', {'aria-label': 'Quota of ' + o.name, onchange: async e => {
        await ui.busy(null, '', () => api.put('/v2/organizations/' + o.guid, {quota_definition_guid: e.target.value}));
        await draw();
      }}, quotas.map(q => h('option', {value: q.metadata.guid, selected: o.quota && q.metadata.guid === o.quota.metadata.guid}, q.entity.name))) : null;
      return h('section', {class: 'card org'},
          h('div', {class: 'page-head'}, h('h2', {}, o.name), quotaSelect ? field('Quota', quotaSelect) : null),
          h('div', {class: 'quota'}, usage(o.quota)),
          table(['Space', 'Apps', 'Services', 'Memory in use'], o.spaces.map(sp => h('tr', {},
              h('td', {}, sp.name), h('td', {class: 'num'}, String(sp.app_count)), h('td', {class: 'num'}, String(sp.service_count)),
              h('td', {class: 'num'}, megabytes(sp.mem_dev_total)))), 'No spaces you can see.'),
          h('form', {class: 'row', onsubmit: async e => {
            e.preventDefault();
            await ui.busy(e.target.querySelector('button'), 'Creating…', () =>
              api.post('/v2/spaces', {name: spaceName.value, organization_guid: orgs[i].metadata.guid}));
            await draw();
          }}, spaceName, h('button', {type: 'submit'}, 'Create space')));
    }));
  };
  await draw().catch(e => { fill(list); ui.error(e); });
  return null;
}
