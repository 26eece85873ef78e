import {h, fill, field} from '../dom.js';
import * as api from '../api.js';
import * as ui from '../ui.js';
import {followStaging} from '../staging.js';

// browsers compile pattern attributes with the v flag, where a literal '-' in a class must be escaped
const NAME_PATTERN = '[A-Za-z0-9][A-Za-z0-9._\\-]*';

/**
 * Push from the browser, as `strato push` does: create (or update) the app, map <name>.<domain>, upload the
 * zip or jar, start it while streaming the staging log, and open the app once an instance runs.
 */
export async function pushPage(again) {
  const main = await ui.frame('push', again);
  const t = ui.target();
  const name = h('input', {id: 'push-name', required: true, autocomplete: 'off', pattern: NAME_PATTERN});
  const file = h('input', {id: 'push-file', type: 'file', required: true, accept: '.zip,.jar,.war'});
  const memory = h('input', {id: 'push-memory', type: 'number', min: '16', step: '16', value: '256'});
  const instances = h('input', {id: 'push-instances', type: 'number', min: '1', max: '100', value: '1'});
  const steps = h('ol', {class: 'steps', id: 'push-steps'});
  const progress = h('progress', {id: 'push-progress', max: '1', value: '0', hidden: true, 'aria-label': 'Upload'});
  const log = h('pre', {class: 'staging-log', id: 'staging-log', hidden: true, tabindex: '0', 'aria-label': 'Staging log'});
  const submit = h('button', {type: 'submit', class: 'primary', id: 'push'}, 'Push');
  file.addEventListener('change', () => {
    if (!name.value && file.files[0]) name.value = file.files[0].name.replace(/\.(zip|jar|war)$/i, '').replace(/[^A-Za-z0-9._-]/g, '-');
  });
  const step = text => {
    const item = h('li', {class: 'running'}, text);
    steps.append(item);
    return {done: () => item.className = 'done', fail: () => item.className = 'failed'};
  };
  const form = h('form', {class: 'card', id: 'push-form', onsubmit: async e => {
    e.preventDefault();
    if (!t.space) {
      ui.error(new Error('Pick a space first.'));
      return;
    }
    fill(steps);
    log.hidden = true;
    await ui.busy(submit, 'Pushing…', async () => {
      let current;
      try {
        current = step('Creating app ' + name.value);
        const existing = (await api.all('/v2/apps?' + api.q('name', name.value) + '&' + api.q('space_guid', t.space)))[0];
        const fields = {memory: Number(memory.value), instances: Number(instances.value)};
        let app;
        if (existing) {
          app = existing;
          // stopped first, so the start below stages the new bits and streams that log
          await api.put('/v2/apps/' + app.metadata.guid, {...fields, state: 'STOPPED'});
        } else {
          app = await api.post('/v2/apps', {name: name.value, space_guid: t.space, ...fields});
        }
        const guid = app.metadata.guid;
        current.done();

        current = step('Mapping route');
        const domain = (await api.all('/v2/shared_domains'))[0];
        const host = name.value.toLowerCase().replace(/[^a-z0-9-]/g, '-');
        const found = (await api.all('/v2/routes?' + api.q('host', host))).find(r => r.entity.domain_guid === domain.metadata.guid);
        const route = found || await api.post('/v2/routes', {host, domain_guid: domain.metadata.guid, space_guid: t.space});
        await api.put('/v2/apps/' + guid + '/routes/' + route.metadata.guid);
        current.done();

        current = step('Uploading ' + file.files[0].name);
        progress.hidden = false;
        await api.upload('/v2/apps/' + guid + '/bits', file.files[0], p => progress.value = p);
        progress.hidden = true;
        current.done();

        current = step('Staging');
        const r = await api.request('PUT', '/v2/apps/' + guid, {json: {state: 'STARTED'}, raw: true});
        const stagingLog = r.headers.get('X-App-Staging-Log');
        if (stagingLog) await followStaging(stagingLog, log);
        current.done();

        current = step('Waiting for an instance to run');
        await running(guid);
        current.done();
        location.hash = '#/apps/' + guid;
      } catch (err) {
        if (current) current.fail();
        progress.hidden = true;
        throw err;
      }
    });
  }},
  h('h2', {}, 'Push an app' + (t.spaceName ? ' to ' + t.orgName + ' / ' + t.spaceName : '')),
  h('p', {class: 'hint'}, 'A zip of the app directory, or a jar or war. The app gets http://<name>.<app domain>.'),
  h('div', {class: 'row'}, field('Name', name), field('Zip, jar or war', file)),
  h('div', {class: 'row'}, field('Memory per instance (MB)', memory), field('Instances', instances)),
  h('div', {class: 'actions'}, submit));
  fill(main, ui.heading('Push'), form, h('div', {class: 'card'}, steps, progress, log));
  return null;
}

/** Resolves once an instance is RUNNING; fails with the reason when staging failed or after two minutes. */
async function running(guid) {
  const deadline = Date.now() + 120000;
  while (Date.now() < deadline) {
    const app = await api.get('/v2/apps/' + guid);
    if (app.entity.package_state === 'FAILED') throw new Error('Staging failed: ' + (app.entity.staging_failed_reason || 'see the log'));
    try {
      const states = await api.get('/v2/apps/' + guid + '/instances');
      if (Object.values(states).some(s => s.state === 'RUNNING')) return;
    } catch (e) {
      if (!(e instanceof api.ApiError) || e.status !== 400) throw e;
    }
    await new Promise(resolve => setTimeout(resolve, 1000));
  }
  throw new Error('No instance runs after two minutes: see the app\'s logs and events.');
}
