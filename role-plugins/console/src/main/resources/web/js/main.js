// The console's router: #/apps, #/apps/<guid>[/<tab>], #/push, #/services, #/admin/<page>. Only names and
// guids are in the URL; the token never is.
import * as api from './api.js';
import * as ui from './ui.js';
import {loginPage} from './pages/login.js';
import {appsPage} from './pages/apps.js';
import {appPage} from './pages/app.js';
import {pushPage} from './pages/push.js';
import {servicesPage} from './pages/services.js';
import {clusterPage, usersPage, orgsPage} from './pages/admin.js';

let cleanup = null;

/** Pages return a function that stops what they left running (log streams, timers). */
async function route() {
  if (cleanup) {
    cleanup();
    cleanup = null;
  }
  if (!api.session()) {
    loginPage(document.getElementById('app'), () => route());
    return;
  }
  const parts = location.hash.replace(/^#\/?/, '').split('/').filter(Boolean);
  const [section, id, tab] = parts;
  const again = () => route();
  let page;
  switch (section) {
    case 'apps':
      page = id ? () => appPage(id, tab || 'overview', again) : () => appsPage(again);
      break;
    case 'push':
      page = () => pushPage(again);
      break;
    case 'services':
      page = () => servicesPage(again);
      break;
    case 'admin':
      page = id === 'cluster' ? () => clusterPage(again) : id === 'users' ? () => usersPage(again) : () => orgsPage(again);
      break;
    default:
      location.replace('#/apps');
      return;
  }
  try {
    cleanup = await page() || null;
  } catch (e) {
    ui.error(e);
  }
}

// whoever logs in next starts at the apps: the page shown before may not be theirs to see
api.onSessionEnd(() => {
  sessionStorage.clear();
  history.replaceState(null, '', '#/apps');
  route();
});
window.addEventListener('hashchange', route);
route();
