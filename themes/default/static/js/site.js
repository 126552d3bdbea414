/*
 * site.js — progress shown on every page (badges, progress bars, steps).
 *
 * Runs last (defer), after store.js; re-renders whenever the store changes,
 * also when another tab saves. Hooks it fills (all start empty in the HTML):
 *
 *   [data-module-status="<moduleId>"]
 *       gets data-status="passed|attempted|none" and the text
 *       「✓ 合格 最高 90%」「◐ 挑戦中 最高 40%」「○ 未学習」 (icon is aria-hidden).
 *   [data-role-progress="<roleId>"]
 *       gets  p.role-progress__label  「n / m モジュール合格」 and
 *             progress.role-progress__bar (max=m, value=n, named by the label),
 *       plus data-done="n" data-total="m". The module ids come from
 *       data-modules (space-separated) on the closest [data-role-id] ancestor,
 *       or else on the [data-role-id="<roleId>"][data-modules] element of the page.
 *   li.step[data-step-level][data-step-modules] [data-step-status]
 *       gets data-status="reached|not-reached" and 「✓ 到達」/「未到達」.
 *       A step is reached when it lists at least one module and all are passed.
 *
 * Adds render() to window.kenshuUI (ui.js) for the other scripts.
 */
(function () {
  "use strict";

  var store = window.kenshuStore;
  var strings = (window.KENSHU && window.KENSHU.strings) || {};
  var uid = 0;
  var iconText = window.kenshuUI.iconText;

  function format(template, values) {
    return store ? store.format(template || "", values) : String(template || "");
  }

  function words(list) {
    return (list || "").split(/\s+/).filter(Boolean);
  }

  var STATUS = {
    passed: { icon: "✓", key: "status_passed" },
    attempted: { icon: "◐", key: "status_attempted" },
    none: { icon: "○", key: "status_none" }
  };

  function renderModuleStatus(el) {
    var id = el.getAttribute("data-module-status");
    var status = store.status(id);
    var record = store.module(id);
    el.textContent = "";
    el.setAttribute("data-status", status);
    var badge = document.createElement("span");
    badge.className = "status status--" + status;
    iconText(badge, STATUS[status].icon, strings[STATUS[status].key] || status);
    el.appendChild(badge);
    if (record && status !== "none") {
      var score = document.createElement("span");
      score.className = "status__score";
      score.textContent = format(strings.best_score, { score: record.bestScore });
      el.appendChild(document.createTextNode(" "));
      el.appendChild(score);
    }
  }

  /** The module ids a [data-role-progress] element counts. */
  function roleModules(el) {
    var holder = el.closest("[data-role-id][data-modules]");
    if (!holder) {
      var id = el.getAttribute("data-role-progress");
      var all = document.querySelectorAll("[data-role-id][data-modules]");
      for (var i = 0; i < all.length; i++) {
        if (all[i].getAttribute("data-role-id") === id) holder = all[i];
      }
    }
    return holder ? words(holder.getAttribute("data-modules")) : [];
  }

  function passedCount(ids) {
    return ids.filter(function (id) {
      return store.status(id) === "passed";
    }).length;
  }

  function renderRoleProgress(el) {
    var ids = roleModules(el);
    var done = passedCount(ids);
    el.textContent = "";
    el.setAttribute("data-done", String(done));
    el.setAttribute("data-total", String(ids.length));
    var label = document.createElement("p");
    label.className = "role-progress__label";
    label.id = "role-progress-label-" + ++uid;
    label.textContent = format(strings.progress_summary, { done: done, total: ids.length });
    el.appendChild(label);
    if (ids.length === 0) return;
    var bar = document.createElement("progress");
    bar.className = "role-progress__bar";
    bar.max = ids.length;
    bar.value = done;
    bar.setAttribute("aria-labelledby", label.id);
    bar.textContent = done + " / " + ids.length;
    el.appendChild(bar);
  }

  function renderStep(step) {
    var target = step.querySelector("[data-step-status]");
    if (!target) return;
    var ids = words(step.getAttribute("data-step-modules"));
    var reached = ids.length > 0 && passedCount(ids) === ids.length;
    target.textContent = "";
    target.setAttribute("data-status", reached ? "reached" : "not-reached");
    step.setAttribute("data-reached", reached ? "true" : "false");
    iconText(target, reached ? "✓" : "－", reached ? strings.step_reached : strings.step_not_reached);
  }

  function each(selector, fn) {
    Array.prototype.forEach.call(document.querySelectorAll(selector), fn);
  }

  function render() {
    if (!store) return;
    uid = 0;
    each("[data-module-status]", renderModuleStatus);
    each("[data-role-progress]", renderRoleProgress);
    each("li.step[data-step-level][data-step-modules]", renderStep);
  }

  window.kenshuUI.render = render;
  render();
  if (store) store.onChange(render);
})();
