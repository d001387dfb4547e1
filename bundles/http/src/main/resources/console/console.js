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

// ---- apps -------------------------------------------------------------------------------------------------------

async function appsPage(query) {
  const picker = await tenantPicker(query, 'apps', false);
  if (!picker.tenant) {
    show('Apps', picker.control, el('p', {}, 'There is no hospital you administer.'));
    return;
  }
  const tenant = picker.tenant;
  const plugins = await api('GET', '/tenants/' + encodeURIComponent(tenant) + '/plugins');
  const rows = plugins.map(plugin => {
    const id = 'enable-' + plugin.symbolicName;
    const toggle = el('input', { type: 'checkbox', role: 'switch', id, checked: plugin.enabled,
      'aria-checked': String(plugin.enabled), 'data-plugin': plugin.symbolicName });
    const switchLabel = el('label', { for: id, class: 'switch' }, toggle,
      el('span', {}, plugin.enabled ? 'Enabled' : 'Disabled'));
    toggle.addEventListener('change', async () => {
      const enable = toggle.checked;
      toggle.disabled = true;
      try {
        await api('POST', '/tenants/' + encodeURIComponent(tenant) + '/plugins/'
          + encodeURIComponent(plugin.symbolicName) + (enable ? '/enable' : '/disable'));
        toggle.setAttribute('aria-checked', String(enable));
        switchLabel.lastChild.textContent = enable ? 'Enabled' : 'Disabled';
        say((enable ? 'Enabled ' : 'Disabled ') + plugin.symbolicName + ' for ' + tenant + '.');
      } catch (error) {
        toggle.checked = !enable;
        say('');
        document.getElementById('apps-error').textContent = error.message;
      } finally {
        toggle.disabled = false;
        toggle.focus();
      }
    });
    return el('tr', { 'data-plugin': plugin.symbolicName },
      el('td', {}, link(text(plugin.name || plugin.symbolicName), 'plugin',
        { tenant, plugin: plugin.symbolicName }), el('span', { class: 'hint' }, text(plugin.symbolicName))),
      el('td', { class: 'description' }, text(plugin.description)),
      el('td', {}, text(plugin.version)),
      el('td', {}, text(plugin.state)),
      el('td', {}, switchLabel),
      el('td', {}, plugin.settings ? link('Settings', 'plugin', { tenant, plugin: plugin.symbolicName }) : 'none'));
  });
  show('Apps', picker.control,
    el('p', { id: 'apps-error', class: 'error', role: 'alert' }),
    el('table', { id: 'apps' },
      el('caption', {}, 'Plugins for ' + tenant),
      el('thead', {}, el('tr', {}, ['Plugin', 'Description', 'Version', 'State', 'For this hospital', 'Settings']
        .map(h => el('th', { scope: 'col' }, h)))),
      el('tbody', {}, rows)));
}

// ---- plugin detail and settings ---------------------------------------------------------------------------------

async function pluginPage(query) {
  const tenant = query.get('tenant');
  const name = query.get('plugin');
  const base = '/tenants/' + encodeURIComponent(tenant) + '/plugins/' + encodeURIComponent(name);
  const detail = await api('GET', base);
  const permissions = detail.permissions || {};
  const list = items => items && items.length ? el('ul', {}, items.map(i => el('li', {}, text(i)))) : 'none';
  const facts = el('dl', { id: 'plugin-facts' },
    el('dt', {}, 'Name'), el('dd', { id: 'plugin-name' }, text(detail.name || detail.symbolicName)),
    el('dt', {}, 'Symbolic name'), el('dd', {}, text(detail.symbolicName)),
    el('dt', {}, 'Description'), el('dd', { id: 'plugin-description' }, text(detail.description)),
    el('dt', {}, 'Version'), el('dd', {}, text(detail.version)),
    el('dt', {}, 'State'), el('dd', { id: 'plugin-state' }, text(detail.state)),
    el('dt', {}, 'Why'), el('dd', { id: 'plugin-why' }, list((detail.why || []).map(f => f.reason))),
    el('dt', {}, 'Enabled for ' + tenant), el('dd', { id: 'plugin-enabled' }, detail.enabled ? 'yes' : 'no'),
    el('dt', {}, 'Signer'), el('dd', { id: 'plugin-signer' }, permissions.signer ? text(permissions.signer) : 'not signed by a trusted signer'),
    el('dt', {}, 'Permissions declared'), el('dd', {}, list((permissions.declared || []).slice().sort())),
    el('dt', {}, 'Permissions granted'), el('dd', { id: 'plugin-granted' }, list((permissions.granted || []).slice().sort())),
    el('dt', {}, 'Refused because'), el('dd', {}, list(permissions.refusals)));
  const parts = [link('Back to Apps', 'apps', { tenant }), facts];
  if (detail.settings) parts.push(await settingsForm(base, tenant));
  show(text(detail.name || detail.symbolicName), ...parts);
}

async function settingsForm(base, tenant) {
  const [schema, current] = await Promise.all([api('GET', base + '/settings/schema'), api('GET', base + '/settings')]);
  const values = current.values || {};
  const fields = [];
  const formError = el('p', { id: 'settings-error', class: 'error', role: 'alert' });
  for (const [key, property] of Object.entries(schema.properties || {})) {
    const id = 'setting-' + key;
    const hintId = id + '-hint';
    const errorId = id + '-error';
    const value = key in values ? values[key] : property.default;
    let input;
    if (property.type === 'boolean') {
      input = el('input', { type: 'checkbox', id, name: key, checked: value === true });
    } else if (property.oneOf) {
      input = el('select', { id, name: key }, property.oneOf.map(o =>
        el('option', { value: text(o.const), selected: String(o.const) === String(value) }, text(o.title))));
    } else {
      input = el('input', { type: property.format === 'password' ? 'password' : 'text', id, name: key,
        inputmode: property.type === 'integer' || property.type === 'number' ? 'numeric' : null,
        value: property.format === 'password' || value === undefined ? '' : (Array.isArray(value) ? value.join(', ') : text(value)) });
    }
    input.setAttribute('aria-describedby', hintId + ' ' + errorId);
    fields.push({ key, property, input });
    fields[fields.length - 1].error = el('p', { id: errorId, class: 'field-error', 'data-field': key });
    fields[fields.length - 1].block = el('div', { class: 'field' },
      el('label', { for: id }, text(property.title || key)),
      el('span', { class: 'hint', id: hintId }, text(property.description)),
      input, fields[fields.length - 1].error);
  }
  const form = el('form', { id: 'settings', novalidate: true, 'aria-labelledby': 'settings-title' },
    el('h2', { id: 'settings-title' }, 'Settings for ' + tenant),
    el('p', { class: 'hint' }, text(schema.description)),
    fields.map(f => f.block),
    el('button', { type: 'submit', id: 'save-settings' }, 'Save settings'),
    formError);
  form.addEventListener('submit', async event => {
    event.preventDefault();
    formError.textContent = '';
    const body = {};
    for (const f of fields) {
      f.error.textContent = '';
      f.input.removeAttribute('aria-invalid');
      if (f.property.type === 'boolean') { body[f.key] = f.input.checked; continue; }
      const raw = f.input.value.trim();
      if (raw === '') continue;
      if (f.property.type === 'array') { body[f.key] = raw.split(',').map(s => s.trim()).filter(s => s !== ''); continue; }
      const numeric = (f.property.type === 'integer' || f.property.type === 'number') && /^-?\d+(\.\d+)?$/.test(raw);
      body[f.key] = numeric ? Number(raw) : raw;
    }
    try {
      await api('PUT', base + '/settings', body);
      say('Settings saved for ' + tenant + '.');
    } catch (error) {
      const errors = (error.body && error.body.errors) || [];
      let first = null;
      for (const e of errors) {
        const f = fields.find(x => x.key === e.field);
        if (f) {
          f.error.textContent = text(e.detail);
          f.input.setAttribute('aria-invalid', 'true');
          first = first || f.input;
        }
      }
      formError.textContent = error.message;
      say('');
      if (first) first.focus();
    }
  });
  return form;
}

// ---- audit ------------------------------------------------------------------------------------------------------

async function auditPage(query) {
  const readsAll = is('admin') || is('auditor');
  const picker = await tenantPicker(query, 'audit', readsAll);
  const filter = (name, label, type) => el('div', {},
    el('label', { for: 'filter-' + name }, label),
    el('input', { id: 'filter-' + name, name, type: type || 'search', value: query.get(name) || '' }));
  const outcome = el('select', { id: 'filter-outcome', name: 'outcome' },
    ['', 'SUCCESS', 'DENIED', 'FAILURE'].map(o => el('option', { value: o, selected: (query.get('outcome') || '') === o }, o || 'any')));
  const form = el('form', { id: 'audit-filters', class: 'filters', role: 'search', 'aria-label': 'Audit filters' },
    picker.control, filter('user', 'User'), filter('plugin', 'Plugin'), filter('patient', 'Patient'),
    el('div', {}, el('label', { for: 'filter-outcome' }, 'Outcome'), outcome),
    filter('from', 'From (e.g. 2026-01-31T08:00:00Z)', 'text'), filter('to', 'To', 'text'),
    el('div', {}, el('button', { type: 'submit' }, 'Search')));
  form.addEventListener('submit', event => {
    event.preventDefault();
    const next = new URLSearchParams();
    for (const field of form.elements) if (field.name && field.value) next.set(field.name, field.value);
    location.hash = '#audit?' + next;
  });
  const verdict = el('p', { id: 'verify-result', role: 'status' });
  const verify = el('button', { type: 'button', id: 'verify' }, 'Verify the chain');
  verify.addEventListener('click', async () => {
    verdict.textContent = 'Checking...';
    try {
      const v = await api('GET', '/audit/verify');
      verdict.textContent = v.intact ? 'Intact: ' + v.checked + ' records checked.'
        : 'BROKEN at record ' + v.firstBadSequence + ': ' + text(v.problem);
      verdict.className = v.intact ? '' : 'error';
    } catch (error) {
      verdict.textContent = error.message;
      verdict.className = 'error';
    }
  });
  const parameters = new URLSearchParams();
  for (const name of ['user', 'plugin', 'patient', 'outcome', 'from', 'to']) if (query.get(name)) parameters.set(name, query.get(name));
  if (picker.tenant) parameters.set('tenant', picker.tenant);
  let table;
  try {
    const page = await api('GET', '/audit?' + parameters);
    table = el('table', { id: 'audit' },
      el('caption', {}, page.total + ' records' + (picker.tenant ? ' for ' + picker.tenant : '') + ', newest first'),
      el('thead', {}, el('tr', {}, ['#', 'Time (UTC)', 'User', 'Tenant', 'Plugin', 'Operation', 'Resource', 'Outcome', 'Detail']
        .map(h => el('th', { scope: 'col' }, h)))),
      el('tbody', {}, page.items.map(r => el('tr', {},
        el('td', {}, text(r.sequence)), el('td', {}, text(r.recorded)), el('td', {}, text(r.user)),
        el('td', {}, text(r.tenant)), el('td', {}, text(r.plugin)), el('td', {}, text(r.operation)),
        el('td', {}, text(r.resourceType) + (r.resourceId ? ' ' + r.resourceId : '')),
        el('td', {}, text(r.outcome) + (r.breakGlass ? ' (break-glass: ' + r.breakGlass + ')' : '')),
        el('td', {}, text(r.reason))))));
  } catch (error) {
    table = failure(error);
  }
  show('Audit', form, el('div', {}, verify, verdict), table);
}

// ---- routing ----------------------------------------------------------------------------------------------------

async function route() {
  const { page, query } = hashParameters();
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
  for (const a of document.querySelectorAll('nav a')) {
    if (a.getAttribute('href') === '#' + (page === 'plugin' ? 'apps' : page)) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  try {
    if (page === 'audit') await auditPage(query);
    else if (page === 'plugin') await pluginPage(query);
    else if (is('admin') || is('hospital-admin')) await appsPage(query);
    else if (is('auditor')) await auditPage(query);
    else show('Nothing here for your role', el('p', {}, 'The console has pages for admins, hospital-admins and '
      + 'auditors. Operators use the shell (SSH) or the API (/api/v1/openapi.json).'));
  } catch (error) {
    if (error.status !== 401) show('Something went wrong', failure(error));
  }
}

document.addEventListener('DOMContentLoaded', () => {
  document.getElementById('logout').addEventListener('click', logout);
  window.addEventListener('hashchange', route);
  route();
});
