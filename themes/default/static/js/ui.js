/*
 * ui.js — small helpers the page scripts share, so that each is written once.
 *
 * Loaded with `defer` on every page (templates/base.html), after
 * assets/site-config.js (window.KENSHU.strings.date_format) and before the
 * scripts that use it. A plain script, not an ES module: modules fetched by
 * import do not load from file://.
 *
 * Public API: window.kenshuUI
 *   nfkc(text)                 the text in Unicode NFKC (as is where the
 *                              browser lacks String.prototype.normalize)
 *   formatDate(iso, options)   an ISO date as the learner's date
 *                              (toLocaleDateString with strings.date_format and
 *                              `options`); "" when missing or invalid
 *   iconText(el, icon, text, className)  appends
 *                              <span class="className" aria-hidden="true">icon</span>
 *                              (className defaults to "status-icon"; no span
 *                              when icon is empty) and the text it stands for
 *   render()                   re-renders the progress hooks (added by site.js)
 */
(function () {
  "use strict";

  var strings = (window.KENSHU && window.KENSHU.strings) || {};

  function nfkc(text) {
    var s = String(text);
    return s.normalize ? s.normalize("NFKC") : s;
  }

  function formatDate(iso, options) {
    if (!iso) return "";
    var d = new Date(iso);
    if (isNaN(d.getTime())) return "";
    try {
      return d.toLocaleDateString(strings.date_format || undefined, options);
    } catch (e) {
      return d.toISOString().slice(0, 10);
    }
  }

  function iconText(el, icon, text, className) {
    if (icon) {
      var i = document.createElement("span");
      i.className = className || "status-icon";
      i.setAttribute("aria-hidden", "true");
      i.textContent = icon;
      el.appendChild(i);
    }
    el.appendChild(document.createTextNode(text));
  }

  window.kenshuUI = { nfkc: nfkc, formatDate: formatDate, iconText: iconText };
})();
