// The Carehost web console: plain JavaScript over /api/v1 (session cookie + X-CSRF-Token).
// Every string from the container (plugin names, descriptions, settings, audit records) is put on the page as
// text (textContent / text nodes), never as markup.
'use strict';

const state = { me: null };

// ---- helpers ----------------------------------------------------------------------------------------------------

/** An element with attributes and children; string children become text nodes, never markup. */
function el(tag, attributes, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes || {})) {
    if (value === false || value === null || value === undefined) continue;
    if (key.startsWith('on')) node.addEventListener(key.substring(2), value);
    else if (key === 'text') node.textContent = String(value);
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined) continue;
    node.appendChild(typeof child === 'string' || typeof child === 'number' ? document.createTextNode(String(child)) : child);
  }
  return node;
}

function text(value) {
  return value === null || value === undefined ? '' : String(value);
}

class Problem extends Error {
  constructor(status, body) {
    super((body && (body.detail || body.title)) || ('HTTP ' + status));
    this.status = status;
    this.body = body || {};
  }
}

async function api(method, path, body) {
  const headers = { 'Accept': 'application/json' };
  if (method !== 'GET') headers['X-CSRF-Token'] = sessionStorage.getItem('carehost.csrf') || '';
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch('/api/v1' + path, {
    method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body)
  });
  const raw = await response.text();
  let data = null;
  try { data = raw ? JSON.parse(raw) : null; } catch (e) { data = { detail: raw }; }
  if (response.status === 401 && !path.startsWith('/session')) {
    state.me = null;
    sessionStorage.removeItem('carehost.csrf');
    location.hash = '#login';
    throw new Problem(401, data);
  }
  if (!response.ok) throw new Problem(response.status, data);
  return data;
}

function say(message) {
  document.getElementById('status').textContent = message;
}

/**
 * Shows a page that route() asked for with this query, unless a newer navigation has happened meanwhile: a
 * page that loads slowly (the audit trail) must not replace the page the user went on to.
 */
function showFor(query, title, ...content) {
  if (!query.current || query.current()) show(title, ...content);
}

function show(title, ...content) {
  const main = document.getElementById('main');
  main.replaceChildren(el('h1', { id: 'page-title' }, title), ...content);
  document.title = title + ' - Carehost console';
  main.focus();
}

function failure(error) {
  return el('p', { class: 'error', role: 'alert' }, text(error.message));
}

function hashParameters() {
  const hash = location.hash.substring(1);
  const at = hash.indexOf('?');
  return { page: at < 0 ? hash : hash.substring(0, at), query: new URLSearchParams(at < 0 ? '' : hash.substring(at + 1)) };
}

function link(label, page, query) {
  return el('a', { href: '#' + page + (query ? '?' + new URLSearchParams(query) : '') }, label);
}

function is(role) {
  return state.me && state.me.roles.includes(role);
}

// ---- login ------------------------------------------------------------------------------------------------------

function loginPage() {
  const problem = el('p', { id: 'login-error', class: 'error', role: 'alert' });
  const form = el('form', { class: 'login', novalidate: true },
    el('label', { for: 'user' }, 'Account'),
    el('input', { id: 'user', name: 'user', type: 'text', autocomplete: 'username', required: true }),
    el('label', { for: 'password' }, 'Password'),
    el('input', { id: 'password', name: 'password', type: 'password', autocomplete: 'current-password', required: true }),
    el('label', { for: 'otp' }, 'One-time code', el('span', { class: 'hint', id: 'otp-hint' },
      'From your authenticator app, or a recovery code; leave empty if your role needs none.')),
    el('input', { id: 'otp', name: 'otp', type: 'text', inputmode: 'numeric', autocomplete: 'one-time-code',
      'aria-describedby': 'otp-hint' }),
    el('div', {}, el('button', { type: 'submit', id: 'login-button' }, 'Log in')),
    problem);
  form.addEventListener('submit', async event => {
    event.preventDefault();
    problem.textContent = '';
    const otp = form.otp.value.trim();
    try {
      const me = await api('POST', '/session', { user: form.user.value.trim(), password: form.password.value,
        otp: otp === '' ? null : otp });
      sessionStorage.setItem('carehost.csrf', me.csrfToken);
      delete me.csrfToken;
      state.me = me;
      location.hash = '#apps';
    } catch (error) {
      problem.textContent = error.message;
      form.password.value = '';
      form.password.focus();
    }
  });
  document.getElementById('nav').hidden = true;
  document.getElementById('logout').hidden = true;
  document.getElementById('who').textContent = '';
  show('Log in to Carehost', form);
  form.user.focus();
}

async function logout() {
  try { await api('DELETE', '/session'); } catch (e) { /* already gone */ }
  state.me = null;
  sessionStorage.removeItem('carehost.csrf');
  say('Logged out.');
  location.hash = '#login';
}

// ---- tenants ----------------------------------------------------------------------------------------------------

async function tenantPicker(query, page, allowAll) {
  let tenants = [];
  try {
    tenants = await api('GET', '/tenants');
  } catch (error) {
    if (error.status !== 403) throw error; // an auditor reads the trail without the list of tenants
  }
  let chosen = query.get('tenant');
  if (!chosen && !allowAll && tenants.length) chosen = tenants[0].id;
  const select = el('select', { id: 'tenant', name: 'tenant' },
    allowAll ? el('option', { value: '' }, 'All tenants') : null,
    tenants.map(t => el('option', { value: t.id, selected: t.id === chosen }, text(t.name) + ' (' + text(t.id) + ')')));
  select.addEventListener('change', () => {
    const next = new URLSearchParams(query);
    if (select.value) next.set('tenant', select.value); else next.delete('tenant');
    location.hash = '#' + page + '?' + next;
  });
  return { tenant: chosen || '', control: el('div', {}, el('label', { for: 'tenant' }, 'Hospital'), select), tenants };
}

// ---- routing ----------------------------------------------------------------------------------------------------

let routes = 0;

async function route() {
  const { page, query } = hashParameters();
  const seq = ++routes;
  query.current = () => seq === routes;
  if (!state.me && page !== 'login') {
    try {
      state.me = await api('GET', '/me');
    } catch (error) {
      return; // api() has sent us to the login page
    }
    if (!sessionStorage.getItem('carehost.csrf')) { // a new tab of a logged-in session: its CSRF token again
      try {
        sessionStorage.setItem('carehost.csrf', (await api('GET', '/session')).csrfToken);
      } catch (error) {
        state.me = null;
        location.hash = '#login';
        return;
      }
    }
  }
  if (page === 'login' || !state.me) {
    loginPage();
    return;
  }
  document.getElementById('nav').hidden = false;
  document.getElementById('logout').hidden = false;
  document.getElementById('who').textContent = state.me.user + ' (' + state.me.roles.join(', ') + ')';
  document.getElementById('nav-apps').hidden = !(is('admin') || is('hospital-admin'));
  document.getElementById('nav-audit').hidden = !(is('admin') || is('hospital-admin') || is('auditor'));
  document.getElementById('nav-upload').hidden = !(is('admin') || is('operator'));
  document.getElementById('nav-accounts').hidden = !is('admin');
  for (const a of document.querySelectorAll('nav a')) {
    if (a.getAttribute('href') === '#' + (page === 'plugin' ? 'apps' : page)) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  try {
    if (page === 'audit') await auditPage(query);
    else if (page === 'plugin') await pluginPage(query);
    else if (page === 'upload' && (is('admin') || is('operator'))) uploadPage();
    else if (page === 'accounts' && is('admin')) await accountsPage(query);
    else if (is('admin') || is('hospital-admin')) await appsPage(query);
    else if (is('auditor')) await auditPage(query);
    else if (is('operator')) uploadPage();
    else show('Nothing here for your role', el('p', {}, 'The console has pages for admins, hospital-admins, '
      + 'auditors and operators (upload). Otherwise use the shell (SSH) or the API (/api/v1/openapi.json).'));
  } catch (error) {
    if (error.status !== 401) show('Something went wrong', failure(error));
  }
}

document.addEventListener('DOMContentLoaded', () => {
  document.getElementById('logout').addEventListener('click', logout);
  window.addEventListener('hashchange', route);
  route();
});
