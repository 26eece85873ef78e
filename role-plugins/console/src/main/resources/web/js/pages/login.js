import {h, fill, field} from '../dom.js';
import * as api from '../api.js';

/** The login form: the same /oauth/token the CLI uses. */
export function loginPage(root, done) {
  const user = h('input', {name: 'username', id: 'username', autocomplete: 'username', required: true});
  const password = h('input', {name: 'password', id: 'password', type: 'password', autocomplete: 'current-password', required: true});
  const message = h('p', {class: 'form-error', role: 'alert'});
  const submit = h('button', {type: 'submit', class: 'primary', id: 'login'}, 'Log in');
  const form = h('form', {class: 'login card', onsubmit: async e => {
    e.preventDefault();
    message.textContent = '';
    submit.disabled = true;
    submit.textContent = 'Logging in…';
    try {
      await api.login(user.value, password.value);
      done();
    } catch (err) {
      message.textContent = err.message;
      submit.disabled = false;
      submit.textContent = 'Log in';
      password.select();
    }
  }},
  h('h1', {}, h('img', {src: 'favicon.svg', alt: ''}), 'Strato Management Console'),
  field('User name', user),
  field('Password', password),
  message,
  submit);
  fill(root, h('main', {class: 'center'}, form));
  user.focus();
}
