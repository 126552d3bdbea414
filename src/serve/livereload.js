// kenshu serve: reloads the page after a rebuild and shows build errors.
//
// Only the preview server sends this file (from /__kenshu/, never part of a
// built site); it adds <script src="/__kenshu/livereload.js?g=N"> to every
// page it serves, N being the build generation the page came from. The
// script listens to /__kenshu/events (Server-Sent Events): "reload" means a
// newer build is on disk; "status" means the errors of the last rebuild
// changed, which it fetches from /__kenshu/status and draws as an overlay.
// All text comes from the server; all styling from /__kenshu/overlay.css.
(() => {
  'use strict';

  const base = '/__kenshu/';
  const script = document.currentScript;
  const pageGeneration = script ? new URL(script.src).searchParams.get('g') : null;
  let overlay = null;

  const addStylesheet = () => {
    if (document.getElementById('kenshu-overlay-css')) return;
    const link = document.createElement('link');
    link.id = 'kenshu-overlay-css';
    link.rel = 'stylesheet';
    link.href = `${base}overlay.css`;
    document.head.appendChild(link);
  };

  const element = (tag, className, text) => {
    const node = document.createElement(tag);
    node.className = className;
    if (text) node.textContent = text;
    return node;
  };

  const hideOverlay = () => {
    overlay?.remove();
    overlay = null;
  };

  // Draws the errors of the last rebuild: file:line:column, message, hint.
  const showOverlay = (status) => {
    addStylesheet();
    hideOverlay();
    overlay = element('section', 'kenshu-overlay');
    overlay.setAttribute('role', 'alert');
    overlay.setAttribute('aria-labelledby', 'kenshu-overlay-title');
    const title = element('h2', 'kenshu-overlay__title', status.title);
    title.id = 'kenshu-overlay-title';
    const close = element('button', 'kenshu-overlay__close', status.dismiss);
    close.type = 'button';
    close.addEventListener('click', hideOverlay);
    const list = element('ol', 'kenshu-overlay__list');
    for (const problem of status.problems) {
      const item = element('li', 'kenshu-overlay__problem');
      const where = problem.line == null ? problem.file : `${problem.file}:${problem.line}:${problem.column}`;
      item.append(element('code', 'kenshu-overlay__where', where));
      item.append(element('p', 'kenshu-overlay__message', problem.message));
      if (problem.hint) item.append(element('p', 'kenshu-overlay__hint', problem.hint));
      list.append(item);
    }
    overlay.append(title, close, list);
    document.body.append(overlay);
  };

  const refreshStatus = async () => {
    try {
      const response = await fetch(`${base}status`, { cache: 'no-store' });
      const status = await response.json();
      if (status.ok) hideOverlay();
      else showOverlay(status);
    } catch {
      // The server is stopping or restarting; the event stream retries.
    }
  };

  const query = pageGeneration === null ? '' : `?g=${encodeURIComponent(pageGeneration)}`;
  const events = new EventSource(`${base}events${query}`);
  const reload = () => {
    events.close();
    location.reload();
  };
  events.addEventListener('hello', (event) => {
    const generation = String(JSON.parse(event.data).generation);
    // A rebuild happened while this page was loading or disconnected.
    if (pageGeneration !== null && generation !== pageGeneration) reload();
    else refreshStatus();
  });
  events.addEventListener('reload', reload);
  events.addEventListener('status', refreshStatus);
})();
