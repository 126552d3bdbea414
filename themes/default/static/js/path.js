/*
 * path.js — studying along a curriculum: the role the learner follows, the
 * previous / next module, 「続きから」 on the home page and the certificate.
 *
 * The study orders are computed at build time (src/curriculum.rs); this
 * script only reads them: from the module page's pager markup, the role
 * page's data-modules, and assets/curricula.js (window.KENSHU_CURRICULA =
 * {roles: [{id, name, url, modules, steps: [{name, level, modules}]}],
 * modules: [{id, title, url}]}) on the home page (and, on a module page, only
 * when the next module is passed already).
 *
 * Hooks:
 *   [data-role-page="<roleId>"]           role page; visiting it changes nothing:
 *     [data-role-choice] button.role-choice__choose  「この人材像で学ぶ」 makes the role the
 *                                        learner's (profile 人材像, followed), .role-choice__current
 *                                        says when it is
 *     [data-certificate-offer] li[data-certificate-for="all|step"][data-step-modules]
 *                                        shown when those modules are all passed
 *   .module-pager .module-pager__role[data-pager-role]   module page: the followed
 *     role's pager is shown (else the first); select.module-pager__select switches
 *     .quiz-summary__next                 「次に学ぶモジュール」 once the module is passed
 *   [data-continue] [data-continue-body]  home: the next unpassed module of the
 *                                        followed role and its progress, or a role chooser
 *   article.certificate[data-certificate][data-modules]  certificate page (#step-N for a step):
 *     shown (and printable) only when earned, every module of the curriculum
 *     (or of the step) passed, and named: [data-certificate-incomplete] says
 *     it is not earned yet; form[data-certificate-no-name] asks for the name
 *     (saved as the learner's, store.setLearner) while none is entered, and is
 *     what prints instead of a nameless certificate
 */
(function () {
  "use strict";

  var store = window.kenshuStore;
  if (!store) return;
  var strings = (window.KENSHU && window.KENSHU.strings) || {};
  var format = store.format;
  var root = document.body.getAttribute("data-root") || "";

  function each(selector, fn) {
    Array.prototype.forEach.call(document.querySelectorAll(selector), fn);
  }

  function words(list) {
    return (list || "").split(/\s+/).filter(Boolean);
  }

  function allPassed(ids) {
    return ids.length > 0 && ids.every(function (id) { return store.status(id) === "passed"; });
  }

  function element(tag, className, text) {
    var el = document.createElement(tag);
    if (className) el.className = className;
    if (text !== undefined) el.textContent = text;
    return el;
  }

  function link(href, text, className) {
    var a = element("a", className, text);
    a.href = href;
    return a;
  }

  // ── role page ────────────────────────────────────────────────────────────
  function rolePage(article) {
    var choice = document.querySelector("[data-role-choice]");
    if (choice) roleChoice(choice, article.getAttribute("data-role-page"));
    var offer = document.querySelector("[data-certificate-offer]");
    if (!offer) return;
    var render = function () {
      var any = false;
      each("[data-certificate-for]", function (li) {
        var ids = li.getAttribute("data-certificate-for") === "all" ? words(article.getAttribute("data-modules")) : words(li.getAttribute("data-step-modules"));
        li.hidden = !allPassed(ids);
        any = any || !li.hidden;
      });
      offer.hidden = !any;
    };
    render();
    store.onChange(render);
  }

  /** 「この人材像で学ぶ」: choosing the role is a click, never a side effect of reading its page. */
  function roleChoice(box, id) {
    var button = box.querySelector(".role-choice__choose");
    var current = box.querySelector(".role-choice__current");
    var render = function () {
      var chosen = store.followedRole() === id;
      button.hidden = chosen;
      current.textContent = chosen ? strings.role_chosen : "";
    };
    button.addEventListener("click", function () {
      store.setLearner({ role: id });
      current.focus();
    });
    box.hidden = false;
    render();
    store.onChange(render);
  }

  // ── module page ──────────────────────────────────────────────────────────
  function modulePager(pager) {
    var parts = Array.prototype.slice.call(pager.querySelectorAll("[data-pager-role]"));
    if (!parts.length) return;
    var select = pager.querySelector(".module-pager__select");
    var show = function (role) {
      var chosen = parts.filter(function (p) { return p.getAttribute("data-pager-role") === role; })[0] || parts[0];
      parts.forEach(function (p) { p.hidden = p !== chosen; });
      if (select) select.value = chosen.getAttribute("data-pager-role");
      showNext(chosen);
    };
    if (select) {
      select.parentNode.hidden = false;
      select.addEventListener("change", function () {
        store.setFollowedRole(select.value);
        show(select.value);
      });
    }
    show(store.followedRole());
    store.onChange(function () {
      show(store.followedRole());
    });
  }

  /**
   * 「次に学ぶモジュール」 at the end of a passed module: the first module after
   * this one in the shown curriculum that is not passed yet (else the first
   * unpassed one before it). The pager names the next module; when that one is
   * passed too, assets/curricula.js is loaded to look further.
   */
  function showNext(part) {
    var box = document.querySelector(".quiz-summary__next");
    var summary = document.querySelector("section.quiz-summary");
    if (!box || !summary) return;
    var id = summary.getAttribute("data-module-id");
    box.textContent = "";
    box.hidden = store.status(id) !== "passed";
    if (box.hidden) return;
    var next = part.querySelector(".module-pager__next a");
    if (next && store.status(next.getAttribute("data-module-id")) !== "passed") {
      suggest(box, next.getAttribute("href"), next.getAttribute("data-title"));
      return;
    }
    withCurricula(function (data) {
      var role = data.roles[part.getAttribute("data-pager-role")];
      var order = role ? role.modules : [];
      var at = order.indexOf(id);
      var rest = order.slice(at + 1).concat(order.slice(0, Math.max(at, 0)));
      var open = rest.filter(function (m) { return store.status(m) !== "passed" && data.modules[m]; })[0];
      box.textContent = "";
      if (open) suggest(box, root + data.modules[open].url, data.modules[open].title);
      else box.textContent = strings.next_none;
    });
  }

  function suggest(box, href, title) {
    box.textContent = "";
    box.appendChild(document.createTextNode(strings.next_module));
    box.appendChild(link(href, title));
  }

  /** Calls back with the study orders, loading assets/curricula.js once if the page has not. */
  function withCurricula(callback) {
    if (window.KENSHU_CURRICULA) {
      callback(curricula());
      return;
    }
    var script = document.querySelector("script[data-curricula]");
    if (!script) {
      script = document.createElement("script");
      script.src = root + "assets/curricula.js";
      script.setAttribute("data-curricula", "");
      document.head.appendChild(script);
    }
    script.addEventListener("load", function () {
      callback(curricula());
    });
  }

  // ── home page ────────────────────────────────────────────────────────────
  function curricula() {
    var data = window.KENSHU_CURRICULA || {};
    var roles = Object.create(null);
    var modules = Object.create(null);
    (data.roles || []).forEach(function (r) { roles[r.id] = r; });
    (data.modules || []).forEach(function (m) { modules[m.id] = m; });
    return { list: data.roles || [], roles: roles, modules: modules };
  }

  function roleChooser(data, box) {
    box.appendChild(element("p", "continue__choose", strings.continue_choose));
    var p = element("p", "continue__field");
    var label = element("label", "", strings.continue_choose_label);
    label.setAttribute("for", "continue-role");
    var select = element("select");
    select.id = "continue-role";
    var none = element("option", "", strings.continue_choose_none);
    none.value = "";
    select.appendChild(none);
    data.list.forEach(function (r) {
      var option = element("option", "", r.name);
      option.value = r.id;
      select.appendChild(option);
    });
    select.addEventListener("change", function () {
      if (select.value) store.setLearner({ role: select.value });
    });
    p.appendChild(label);
    p.appendChild(document.createTextNode(" "));
    p.appendChild(select);
    box.appendChild(p);
  }

  function continueSection(section) {
    var box = section.querySelector("[data-continue-body]");
    var data = curricula();
    var render = function () {
      var role = data.roles[store.followedRole()];
      box.textContent = "";
      section.hidden = false;
      section.removeAttribute("data-role-id");
      section.removeAttribute("data-modules");
      if (!role) {
        roleChooser(data, box);
        return;
      }
      section.setAttribute("data-role-id", role.id);
      section.setAttribute("data-modules", role.modules.join(" "));
      var head = element("p", "continue__role");
      head.appendChild(document.createTextNode(format(strings.continue_role, { role: "" })));
      head.appendChild(link(root + role.url, role.name));
      box.appendChild(head);
      var next = role.modules.filter(function (id) { return store.status(id) !== "passed"; })[0];
      var line = element("p", "continue__next");
      if (next && data.modules[next]) {
        line.appendChild(document.createTextNode(strings.continue_next));
        line.appendChild(link(root + data.modules[next].url, data.modules[next].title, "continue__link"));
      } else {
        line.appendChild(document.createTextNode(strings.continue_done + " "));
        if (role.modules.length) line.appendChild(link(root + role.certificate_url, strings.continue_certificate));
      }
      box.appendChild(line);
      var bar = element("div", "role-progress");
      bar.setAttribute("data-role-progress", role.id);
      box.appendChild(bar);
      var change = element("p", "continue__change");
      change.appendChild(link(root + "progress/index.html#learner-role", strings.continue_change));
      box.appendChild(change);
      if (window.kenshuUI.render) window.kenshuUI.render(); // site.js, once it has run
    };
    render();
    store.onChange(render);
  }

  // ── certificate page ─────────────────────────────────────────────────────
  /** A certificate's date: 「2026年12月2日」. */
  function formatDate(iso) {
    return window.kenshuUI.formatDate(iso, { year: "numeric", month: "long", day: "numeric" });
  }

  function certificate(article) {
    var step = /^#step-(\d+)$/.exec(window.location.hash);
    var level = step ? Number(step[1]) : 0;
    var stepName = level ? article.getAttribute("data-step-" + level) : null;
    var rows = Array.prototype.slice.call(article.querySelectorAll("[data-certificate-module]"));
    var noName = document.querySelector("[data-certificate-no-name]");
    var print = document.querySelector(".certificate__print");
    var render = function () {
      var learner = store.learner();
      article.querySelector("[data-certificate-name]").textContent = learner.name;
      article.querySelector("[data-certificate-staff]").textContent = learner.staffNumber;
      article.querySelector("[data-certificate-department]").textContent = learner.department;
      article.querySelector("[data-certificate-step]").textContent = stepName ? format(strings.certificate_step, { step: stepName }) : "";
      var ids = [];
      rows.forEach(function (row) {
        var inStep = !stepName || Number(row.getAttribute("data-level")) <= level;
        row.hidden = !inStep;
        var id = row.getAttribute("data-certificate-module");
        var record = store.module(id);
        row.querySelector("[data-certificate-date]").textContent = record && record.passedAt ? formatDate(record.passedAt) : "";
        if (inStep) ids.push(id);
      });
      var complete = allPassed(ids);
      var named = !!learner.name.trim();
      article.setAttribute("data-complete", complete ? "true" : "false");
      article.setAttribute("data-named", named ? "true" : "false");
      article.querySelector("[data-certificate-issued]").textContent = formatDate(new Date().toISOString());
      // Only an earned certificate is shown, and only with its holder's name.
      article.hidden = !complete || !named;
      document.querySelector("[data-certificate-incomplete]").hidden = complete;
      noName.hidden = !complete || named;
      document.querySelector("[data-certificate-actions]").hidden = false;
      print.hidden = article.hidden;
    };
    print.addEventListener("click", function () {
      window.print();
    });
    askName(noName, print);
    render();
    store.onChange(render);
  }

  /** The certificate's name form: the name typed becomes the learner's, and the certificate appears. */
  function askName(form, print) {
    var input = form.querySelector("input[name=name]");
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var name = input.value.trim();
      if (!name) {
        input.focus();
        return;
      }
      store.setLearner({ name: name });
      if (!print.hidden) print.focus();
    });
  }

  var rolePageEl = document.querySelector("[data-role-page]");
  if (rolePageEl) rolePage(rolePageEl);
  var pager = document.querySelector(".module-pager");
  if (pager) modulePager(pager);
  var continueEl = document.querySelector("[data-continue]");
  if (continueEl) continueSection(continueEl);
  var certificateEl = document.querySelector("article.certificate[data-certificate]");
  if (certificateEl) certificate(certificateEl);
})();
