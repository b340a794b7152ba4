#include "server/docs_page.h"

namespace logidata {

std::string_view DocsHtml() {
  return R"HTML(<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Logidata API</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:0;color:#1d2330;background:#f6f7f9}
header{background:#1d2330;color:#fff;padding:12px 20px;display:flex;gap:12px;align-items:center}
header input{flex:1;padding:6px;border-radius:4px;border:0;font:inherit}
main{max-width:1100px;margin:0 auto;padding:16px}
h2{margin:24px 0 8px;text-transform:capitalize}
details{background:#fff;border:1px solid #dde1e7;border-radius:6px;margin:6px 0}
summary{padding:8px 12px;cursor:pointer;display:flex;gap:10px;align-items:center}
.m{font:600 12px monospace;padding:2px 6px;border-radius:3px;color:#fff;min-width:52px;text-align:center}
.GET{background:#2f7d32}.POST{background:#1565c0}.PUT{background:#ef6c00}.PATCH{background:#6a1b9a}.DELETE{background:#c62828}
.p{font-family:monospace}.role{margin-left:auto;color:#667;font-size:12px}
.body{padding:8px 12px;border-top:1px solid #eef}
textarea{width:100%;min-height:90px;font:12px monospace}
pre{background:#1d2330;color:#e8eaf0;padding:8px;border-radius:4px;overflow:auto;max-height:320px}
label{display:block;margin:4px 0}
</style></head>
<body><header><strong>Logidata API</strong><input id="token" placeholder="Bearer token (access JWT or ld_ API key)"></header>
<main id="root">Loading /api/openapi.json…</main>
<script src="/docs/docs.js"></script></body></html>
)HTML";
}

std::string_view DocsScript() {
  return R"JS('use strict';
const root = document.getElementById('root');
const tokenInput = document.getElementById('token');
tokenInput.value = sessionStorage.getItem('ld_token') || '';
tokenInput.addEventListener('change', () => sessionStorage.setItem('ld_token', tokenInput.value));
function el(tag, props, ...kids) {
  const e = document.createElement(tag);
  Object.assign(e, props || {});
  for (const k of kids) e.append(k);
  return e;
}
function operation(path, method, op) {
  const d = el('details');
  d.append(el('summary', {}, el('span', {className: 'm ' + method.toUpperCase(), textContent: method.toUpperCase()}),
    el('span', {className: 'p', textContent: path}), el('span', {textContent: op.summary || ''}),
    el('span', {className: 'role', textContent: op['x-required-role'] || ''})));
  const body = el('div', {className: 'body'});
  const inputs = {};
  for (const p of op.parameters || []) {
    const i = el('input', {placeholder: p.description || p.name});
    inputs[p.in + ':' + p.name] = i;
    body.append(el('label', {}, p.name + ' (' + p.in + ') ', i));
  }
  let text = null;
  if (op.requestBody) {
    const schema = op.requestBody.content['application/json'].schema;
    body.append(el('div', {textContent: 'Body schema:'}), el('pre', {textContent: JSON.stringify(schema, null, 2)}));
    text = el('textarea', {value: '{}'});
    body.append(text);
  }
  const out = el('pre', {textContent: ''});
  const send = el('button', {textContent: 'Send'});
  send.addEventListener('click', async () => {
    let url = path;
    const query = new URLSearchParams();
    const headers = {};
    for (const [key, input] of Object.entries(inputs)) {
      const [where, name] = key.split(':');
      if (!input.value) continue;
      if (where === 'path') url = url.replace('{' + name + '}', encodeURIComponent(input.value));
      else if (where === 'query') query.set(name, input.value);
      else headers[name] = input.value;
    }
    if (tokenInput.value) headers['Authorization'] = 'Bearer ' + tokenInput.value;
    const init = {method: method.toUpperCase(), headers};
    if (text) { headers['Content-Type'] = 'application/json'; init.body = text.value; }
    const qs = query.toString();
    try {
      const res = await fetch(url + (qs ? '?' + qs : ''), init);
      const raw = await res.text();
      let shown = raw;
      try { shown = JSON.stringify(JSON.parse(raw), null, 2); } catch (e) {}
      out.textContent = res.status + ' ' + res.statusText + '\n' + shown;
    } catch (e) { out.textContent = String(e); }
  });
  body.append(send, out);
  d.append(body);
  return d;
}
fetch('/api/openapi.json').then(r => r.json()).then(doc => {
  root.textContent = '';
  root.append(el('p', {textContent: doc.info.description + ' Version ' + doc.info.version + '.'}));
  const byTag = {};
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      const tag = (op.tags || ['other'])[0];
      (byTag[tag] = byTag[tag] || []).push(operation(path, method, op));
    }
  }
  for (const [tag, items] of Object.entries(byTag)) root.append(el('h2', {textContent: tag}), ...items);
}).catch(e => { root.textContent = 'Cannot load the OpenAPI document: ' + e; });
)JS";
}

}  // namespace logidata
