/*
 * filters.js — the filters of the modules index and the resource catalogue.
 *
 * Hooks (templates/modules.html, resources.html):
 *   form[data-filters]  shown by this script; select[data-filter="<key>"] with
 *                       value "" for all. Keys: "status" (kenshuStore.status of
 *                       the item's data-module-id), "level" and "kind" (equal to
 *                       the item's data-level / data-kind), "categories", "roles"
 *                       and "skills" (one of the item's space-separated ids).
 *   [data-filter-items]  holds the items: li[data-module-id] or .resource-card;
 *                        a [data-filter-group] with no item left is hidden too.
 *   [data-filter-count]  「n 件を表示しています。」 (role=status)
 * The chosen filters are kept in the URL's hash (#level=1&roles=dx-lead), so a
 * filtered list can be bookmarked and survives going back.
 */
(function () {
  "use strict";

  var form = document.querySelector("form[data-filters]");
  var holder = document.querySelector("[data-filter-items]");
  if (!form || !holder) return;
  var store = window.kenshuStore;
  var strings = (window.KENSHU && window.KENSHU.strings) || {};
  var selects = Array.prototype.slice.call(form.querySelectorAll("select[data-filter]"));
  var items = Array.prototype.slice.call(holder.querySelectorAll("li[data-module-id], .resource-card"));
  var groups = Array.prototype.slice.call(holder.querySelectorAll("[data-filter-group]"));
  var count = document.querySelector("[data-filter-count]");

  function words(list) {
    return (list || "").split(/\s+/).filter(Boolean);
  }

  function matches(item, key, value) {
    if (!value) return true;
    if (key === "status") return store ? store.status(item.getAttribute("data-module-id")) === value : true;
    if (key === "level" || key === "kind") return item.getAttribute("data-" + key) === value;
    return words(item.getAttribute("data-" + key)).indexOf(value) >= 0;
  }

  function apply() {
    var shown = 0;
    items.forEach(function (item) {
      var keep = selects.every(function (s) { return matches(item, s.getAttribute("data-filter"), s.value); });
      item.hidden = !keep;
      if (keep) shown += 1;
    });
    groups.forEach(function (group) {
      group.hidden = !group.querySelector(".resource-card:not([hidden]), li[data-module-id]:not([hidden])");
    });
    if (count) count.textContent = (store ? store.format : function (t) { return t; })(strings.filter_count || "{count}", { count: shown });
  }

  function saveHash() {
    var parts = selects.filter(function (s) { return s.value; }).map(function (s) {
      return s.getAttribute("data-filter") + "=" + encodeURIComponent(s.value);
    });
    if (window.history && window.history.replaceState) {
      try {
        window.history.replaceState(null, "", parts.length ? "#" + parts.join("&") : window.location.pathname + window.location.search);
      } catch (e) {
        /* file:// in some browsers: the filters still work */
      }
    }
  }

  function readHash() {
    window.location.hash.replace(/^#/, "").split("&").forEach(function (part) {
      var pair = part.split("=");
      var select = selects.filter(function (s) { return s.getAttribute("data-filter") === pair[0]; })[0];
      if (!select || pair.length !== 2) return;
      var value;
      try {
        value = decodeURIComponent(pair[1]);
      } catch (e) {
        return;
      }
      if (Array.prototype.some.call(select.options, function (o) { return o.value === value; })) select.value = value;
    });
  }

  form.hidden = false;
  form.addEventListener("change", function () {
    apply();
    saveHash();
  });
  form.addEventListener("submit", function (e) { e.preventDefault(); });
  readHash();
  apply();
  if (store) store.onChange(apply);
})();
