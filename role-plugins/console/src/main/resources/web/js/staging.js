import * as api from './api.js';

/**
 * Streams a staging log (the X-App-Staging-Log URL the API answered) into a <pre>, as the CLI prints it.
 * Resolves when staging succeeded; rejects with the failure line when it failed.
 */
export async function followStaging(url, pre) {
  pre.hidden = false;
  pre.textContent = '';
  pre.classList.add('streaming');
  let last = '';
  try {
    const r = await api.request('GET', api.localPath(url), {raw: true});
    await api.streamLines(r, line => {
      last = line;
      const atBottom = pre.scrollHeight - pre.scrollTop - pre.clientHeight < 40;
      pre.append(line + '\n');
      if (atBottom) pre.scrollTop = pre.scrollHeight;
    });
  } finally {
    pre.classList.remove('streaming');
  }
  if (last.startsWith('Staging failed') || last.startsWith('Staging interrupted') || last.startsWith('Staging log ended')) {
    throw new Error(last);
  }
}
