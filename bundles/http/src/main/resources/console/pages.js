// The Carehost web console's pages: Apps, plugin detail with its settings form, Audit (console.js has the helpers
// and the routing). Container-provided strings go on the page as text only.
'use strict';

// ---- apps -------------------------------------------------------------------------------------------------------

async function appsPage(query) {
  const picker = await tenantPicker(query, 'apps', false);
  if (!picker.tenant) {
    showFor(query, 'Apps', picker.control, el('p', {}, 'There is no hospital you administer.'));
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
  showFor(query, 'Apps', picker.control,
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
  if (is('admin') || is('operator')) parts.push(uninstallSection(detail, tenant));
  showFor(query, text(detail.name || detail.symbolicName), ...parts);
}

/**
 * Uninstalls the plugin from the container, for every hospital, as the shell's plugin:uninstall (DELETE
 * /api/v1/plugins/{plugin}): admins and operators, after a confirmation; the answer's message (a deploy-folder plugin's
 * file deleted too) goes to the status line, and the page goes back to Apps.
 */
function uninstallSection(detail, tenant) {
  const name = text(detail.symbolicName);
  const problem = el('p', { id: 'uninstall-error', class: 'error', role: 'alert' });
  const button = el('button', { type: 'button', id: 'uninstall-plugin' }, 'Uninstall ' + name);
  button.addEventListener('click', async () => {
    if (!window.confirm('Uninstall ' + name + ' from the container, for every hospital? A plugin from the deploy '
      + 'folder has its file there deleted too.')) return;
    button.disabled = true;
    problem.textContent = '';
    try {
      const gone = await api('DELETE', '/plugins/' + encodeURIComponent(name));
      say(text(gone.message));
      location.hash = '#apps?' + new URLSearchParams({ tenant });
    } catch (error) {
      button.disabled = false;
      problem.textContent = error.message;
    }
  });
  return el('section', { id: 'uninstall', 'aria-labelledby': 'uninstall-title' },
    el('h2', { id: 'uninstall-title' }, 'Uninstall'),
    el('p', { class: 'hint' }, 'Removes the plugin from the container, for every hospital, as plugin:uninstall does; '
      + 'a plugin from the deploy folder has its file deleted there too. Its stored data stays until purged.'),
    button, problem);
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
  // The whole trail's check (every tenant's) is for auditors and admins.
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
  const offset = Math.max(0, parseInt(query.get('offset') || '0', 10) || 0);
  parameters.set('offset', String(offset));
  parameters.set('limit', String(PAGE_SIZE));
  let table;
  let paging = null;
  try {
    const page = await api('GET', '/audit?' + parameters);
    const shown = page.items.length;
    const at = (next) => { const q = new URLSearchParams(query); q.set('offset', String(next)); return q; };
    paging = el('nav', { class: 'paging', 'aria-label': 'Audit pages' },
      offset > 0 ? link('Newer records', 'audit', at(Math.max(0, offset - PAGE_SIZE))) : null,
      el('span', { id: 'audit-range' }, shown === 0 ? 'No records here'
        : 'Records ' + (offset + 1) + ' to ' + (offset + shown) + ' of ' + page.total),
      offset + shown < page.total ? link('Older records', 'audit', at(offset + PAGE_SIZE)) : null);
    if (paging.firstChild && paging.firstChild.tagName === 'A') paging.firstChild.id = 'audit-newer';
    if (paging.lastChild && paging.lastChild.tagName === 'A') paging.lastChild.id = 'audit-older';
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
  showFor(query, 'Audit', form, readsAll ? el('div', {}, verify, verdict) : null, paging, table, await breakGlassReview(picker.tenant));
}

const PAGE_SIZE = 50;

/**
 * The break-glass (emergency) accesses of the last 24 hours, for review: each with its records (its user's, about its
 * patient, while it was open) inline below it, and a link to all of them in the trail.
 */
async function breakGlassReview(tenant) {
  const section = el('section', { id: 'breakglass', 'aria-labelledby': 'breakglass-title' },
    el('h2', { id: 'breakglass-title' }, 'Break-glass accesses, last 24 hours'));
  try {
    const grants = await api('GET', '/audit/breakglass?hours=24' + (tenant ? '&tenant=' + encodeURIComponent(tenant) : ''));
    if (!grants.length) {
      section.appendChild(el('p', { id: 'breakglass-none' }, 'None: nobody used emergency access.'));
      return section;
    }
    section.appendChild(el('table', { id: 'breakglass-table' },
      el('caption', {}, (grants.length >= 50 ? 'The newest 50' : grants.length)
        + ' emergency accesses to review, newest first' + (grants.length >= 50
          ? ' (the API pages the rest: /api/v1/audit/breakglass?offset=50)' : '')),
      el('thead', {}, el('tr', {}, ['Opened (UTC)', 'User', 'Tenant', 'Patient', 'Plugin', 'Reason', 'Records']
        .map(h => el('th', { scope: 'col' }, h)))),
      el('tbody', {}, grants.flatMap((g, i) => [el('tr', {},
        el('td', {}, text(g.opened)), el('td', {}, text(g.user)), el('td', {}, text(g.tenant)),
        el('td', {}, text(g.patientId)), el('td', {}, text(g.plugin)), el('td', {}, text(g.reason)),
        el('td', {}, link('All ' + text(g.recordsTotal), 'audit', { tenant: text(g.tenant), user: text(g.user),
          patient: text(g.patientId), from: text(g.opened), to: text(g.expires) }))),
      el('tr', { class: 'breakglass-records' }, el('td', { colspan: '7' }, grantRecords(g, i)))]))));
  } catch (error) {
    section.appendChild(failure(error));
  }
  return section;
}

/** One break-glass access's records, as a small table of their own (or a line saying there are none). */
function grantRecords(grant, index) {
  const records = grant.records || [];
  if (!records.length) {
    return el('p', { id: 'breakglass-records-' + index }, 'No records while it was open.');
  }
  return el('table', { id: 'breakglass-records-' + index, class: 'nested' },
    el('caption', {}, 'Its records: ' + records.length + ' of ' + text(grant.recordsTotal) + ', newest first'),
    el('thead', {}, el('tr', {}, ['Time (UTC)', 'Operation', 'Resource', 'Outcome', 'Plugin']
      .map(h => el('th', { scope: 'col' }, h)))),
    el('tbody', {}, records.map(r => el('tr', {},
      el('td', {}, text(r.recorded)), el('td', {}, text(r.operation)),
      el('td', {}, text(r.resourceType) + (r.resourceId ? ' ' + text(r.resourceId) : '')),
      el('td', {}, text(r.outcome)), el('td', {}, text(r.plugin))))));
}

// ---- accounts ---------------------------------------------------------------------------------------------------

/**
 * The operator accounts, for admins: each with its roles and tenants, a button to disable or enable it, and its live
 * API tokens (never a secret) with a button to revoke each. Every change is the API's, audited under the admin.
 */
async function accountsPage(query) {
  const users = await api('GET', '/users');
  const chosen = query.get('user') || '';
  const table = el('table', { id: 'accounts' },
    el('caption', {}, users.length + ' operator accounts'),
    el('thead', {}, el('tr', {}, ['Name', 'Roles', 'Tenants', 'State', 'Change', 'Tokens']
      .map(h => el('th', { scope: 'col' }, h)))),
    el('tbody', {}, users.map(u => {
      const name = text(u.name);
      const toggle = el('button', { type: 'button', id: 'account-toggle-' + name, 'data-user': name },
        (u.disabled ? 'Enable ' : 'Disable ') + name);
      toggle.addEventListener('click', async () => {
        try {
          await api('POST', '/users/' + encodeURIComponent(name) + (u.disabled ? '/enable' : '/disable'));
          say((u.disabled ? 'Enabled ' : 'Disabled ') + name + '.');
          await accountsPage(query);
        } catch (error) {
          say(error.message);
        }
      });
      return el('tr', { 'data-user': name },
        el('td', {}, name), el('td', {}, (u.roles || []).map(text).join(', ')),
        el('td', {}, (u.tenants || []).map(text).join(', ')),
        el('td', { id: 'account-state-' + name }, u.disabled ? 'disabled' : 'enabled'), el('td', {}, toggle),
        el('td', {}, link('Tokens of ' + name, 'accounts', { user: name })));
    })));
  showFor(query, 'Accounts', table, chosen ? await tokensOf(chosen, query) : el('p', {}, 'Choose an account to see its tokens.'));
}

/** One account's live API tokens, each with a button that revokes it. */
async function tokensOf(user, query) {
  const section = el('section', { id: 'tokens', 'aria-labelledby': 'tokens-title' },
    el('h2', { id: 'tokens-title' }, 'API tokens of ' + user));
  try {
    const tokens = await api('GET', '/users/' + encodeURIComponent(user) + '/tokens');
    if (!tokens.length) {
      section.appendChild(el('p', { id: 'tokens-none' }, 'No live tokens.'));
      return section;
    }
    section.appendChild(el('table', { id: 'tokens-table' },
      el('caption', {}, tokens.length + ' live tokens (their secrets are never shown)'),
      el('thead', {}, el('tr', {}, ['Id', 'Label', 'Created (UTC)', 'Expires (UTC)', 'Revoke']
        .map(h => el('th', { scope: 'col' }, h)))),
      el('tbody', {}, tokens.map(t => {
        const revoke = el('button', { type: 'button', id: 'revoke-' + text(t.id) }, 'Revoke ' + text(t.label));
        revoke.addEventListener('click', async () => {
          try {
            await api('POST', '/users/' + encodeURIComponent(user) + '/tokens/' + encodeURIComponent(t.id) + '/revoke');
            say('Revoked token ' + text(t.label) + ' of ' + user + '.');
            await accountsPage(query);
          } catch (error) {
            say(error.message);
          }
        });
        return el('tr', {}, el('td', {}, text(t.id)), el('td', {}, text(t.label)), el('td', {}, text(t.created)),
          el('td', {}, text(t.expires)), el('td', {}, revoke));
      }))));
  } catch (error) {
    section.appendChild(failure(error));
  }
  return section;
}

// ---- upload -----------------------------------------------------------------------------------------------------

/** Upload a plugin (a bundle jar, or a zip of one plugin and its libraries): admins and operators. */
function uploadPage() {
  const result = el('div', { id: 'upload-result', role: 'status' });
  const file = el('input', { id: 'upload-file', name: 'file', type: 'file', accept: '.jar,.zip', required: true,
    'aria-describedby': 'upload-hint' });
  const form = el('form', { id: 'upload-form', class: 'upload' },
    el('label', { for: 'upload-file' }, 'Plugin file'),
    el('p', { class: 'hint', id: 'upload-hint' }, 'A bundle jar, or a zip of one plugin and its library bundles. '
      + 'It is checked (size, archive safety, signature, permissions) before anything is installed; a refused '
      + 'upload changes nothing.'),
    file,
    el('div', {}, el('button', { type: 'submit', id: 'upload-button' }, 'Upload and install')));
  form.addEventListener('submit', async event => {
    event.preventDefault();
    result.replaceChildren();
    const chosen = file.files[0];
    if (!chosen) {
      result.appendChild(el('p', { class: 'error', role: 'alert' }, 'Choose a .jar or .zip file first.'));
      return;
    }
    result.appendChild(el('p', {}, 'Uploading ' + chosen.name + '...'));
    try {
      const response = await fetch('/api/v1/plugins?name=' + encodeURIComponent(chosen.name), {
        method: 'POST', credentials: 'same-origin', body: chosen,
        headers: { 'Content-Type': 'application/octet-stream', 'Accept': 'application/json',
          'X-CSRF-Token': sessionStorage.getItem('carehost.csrf') || '' }
      });
      const raw = await response.text();
      let data = null;
      try { data = raw ? JSON.parse(raw) : null; } catch (e) { data = { detail: raw }; }
      if (!response.ok) throw new Problem(response.status, data);
      const plugin = data.plugin;
      result.replaceChildren(el('p', { id: 'upload-done' }, 'Installed ' + text(plugin.symbolicName) + ' '
        + text(plugin.version) + ': ' + text(plugin.state)),
        el('p', {}, 'Declared permissions: ' + ((plugin.declaredPermissions || []).join(', ') || 'none')),
        el('p', {}, 'Signer: ' + (plugin.signer ? text(plugin.signer) : 'not signed')));
      say('Uploaded ' + chosen.name + '.');
    } catch (error) {
      result.replaceChildren(el('p', { class: 'error', role: 'alert', id: 'upload-error' }, text(error.message)));
    }
  });
  show('Upload a plugin', form, result);
}

