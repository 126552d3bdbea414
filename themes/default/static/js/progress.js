/*
 * progress.js — the 「学習の記録」 page (progress/index.html).
 *
 * Hooks (templates/progress.html):
 *   form.learner-form input[name=name|staffNumber|department]
 *       filled from the store; saved on every input (no submit needed).
 *   button.progress-export   downloads kenshu-progress-[staffNo-]YYYYMMDD.json
 *   input.progress-import    (type=file) validates, merges, reports
 *   button.progress-clear    asks confirm(), then removes all records
 *   .progress-message[role=status]  result of the last action; gets
 *       data-kind="ok|error|warning".
 *   [data-module-detail="<moduleId>"]  「2024/5/1 合格・挑戦 3 回」 per module.
 *   select[name=role]        the profile's 人材像 (saved like the other fields;
 *                            it becomes the role the pages follow)
 *   ul[data-review-list]     the questions in the review boxes, grouped by
 *                            module (titles from assets/curricula.js), each
 *                            linking to modules/<id>/index.html#review-<questionId>
 *                            (「…から復習できます」 after one not due yet);
 *                            [data-review-empty] shown when there is none.
 * Badges, bars and steps on this page are drawn by site.js.
 */
(function () {
  "use strict";

  var store = window.kenshuStore;
  var strings = (window.KENSHU && window.KENSHU.strings) || {};
  if (!store) return;
  var format = store.format;
  var formatDate = window.kenshuUI.formatDate;
  var message = document.querySelector(".progress-message");
  var form = document.querySelector(".learner-form");

  function say(text, kind) {
    if (!message) return;
    message.setAttribute("data-kind", kind);
    // Clear first so that the same text twice is announced twice.
    message.textContent = "";
    window.setTimeout(function () {
      message.textContent = text;
    }, 50);
  }

  function fillLearner() {
    if (!form) return;
    var learner = store.learner();
    Array.prototype.forEach.call(form.elements, function (input) {
      if (input.name in learner && document.activeElement !== input) input.value = learner[input.name];
    });
  }


  function renderDetails() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-module-detail]"), function (el) {
      var record = store.module(el.getAttribute("data-module-detail"));
      var parts = [];
      if (record && record.passed && record.passedAt) {
        parts.push(format(strings.passed_on, { date: formatDate(record.passedAt) }));
      }
      if (record && record.attempts > 0) parts.push(format(strings.attempts, { count: record.attempts }));
      el.textContent = parts.join("・");
    });
  }

  function renderReview() {
    var list = document.querySelector("[data-review-list]");
    if (!list) return;
    var data = window.KENSHU_CURRICULA || {};
    var titles = Object.create(null);
    (data.modules || []).forEach(function (m) { titles[m.id] = m; });
    var review = store.review();
    var root = document.body.getAttribute("data-root") || "";
    list.textContent = "";
    var ids = Object.keys(review).filter(function (id) { return titles[id]; });
    ids.forEach(function (id) {
      var module = titles[id];
      var item = document.createElement("li");
      var head = document.createElement("a");
      head.href = root + module.url + "#review";
      head.textContent = module.title;
      item.appendChild(head);
      item.appendChild(document.createTextNode(" — "));
      var start = document.createElement("a");
      start.href = root + module.url + "#review";
      start.className = "review__start";
      start.textContent = strings.review_start;
      item.appendChild(start);
      var questions = document.createElement("ul");
      Object.keys(review[id]).forEach(function (qid) {
        var li = document.createElement("li");
        var a = document.createElement("a");
        a.href = root + module.url + "#review-" + qid;
        a.setAttribute("data-review-question", qid);
        a.textContent = review[id][qid].text || format(strings.review_question, { id: qid });
        li.appendChild(a);
        if (!review[id][qid].due) li.appendChild(document.createTextNode(format(strings.review_due_on, { date: formatDate(review[id][qid].dueAt) })));
        questions.appendChild(li);
      });
      item.appendChild(questions);
      list.appendChild(item);
    });
    var empty = document.querySelector("[data-review-empty]");
    if (empty) empty.hidden = ids.length > 0;
    list.hidden = ids.length === 0;
  }

  function onImport(e) {
    var input = e.target;
    var file = input.files && input.files[0];
    if (!file) return;
    var reader = new FileReader();
    reader.onload = function () {
      var result = store.importText(String(reader.result));
      if (!result.ok) {
        say(result.reason, "error");
        input.value = "";
        return;
      }
      var done = format(strings.import_done, { count: result.count });
      if (result.assessments) done += " " + format(strings.import_assessments, { count: result.assessments });
      if (result.otherSite) {
        var from = result.siteTitle ? format(strings.import_file_site, { title: result.siteTitle }) : "";
        say(done + " " + strings.import_wrong_site + from, "warning");
      } else {
        say(done, "ok");
      }
      input.value = "";
    };
    reader.onerror = function () {
      say(format(strings.import_invalid, { reason: strings.import_reason_read }), "error");
      input.value = "";
    };
    reader.readAsText(file);
  }

  if (form) {
    form.addEventListener("input", function (e) {
      var fields = {};
      fields[e.target.name] = e.target.value;
      store.setLearner(fields);
    });
    // A <select> reports a choice with "change" (and, in most browsers, "input").
    form.addEventListener("change", function (e) {
      if (e.target.tagName !== "SELECT") return;
      var fields = {};
      fields[e.target.name] = e.target.value;
      store.setLearner(fields);
    });
    // Enter in a field must not reload the page with the answers in the URL.
    form.addEventListener("submit", function (e) {
      e.preventDefault();
    });
  }

  var exportButton = document.querySelector(".progress-export");
  if (exportButton) {
    exportButton.addEventListener("click", function () {
      try {
        store.exportFile();
        say(strings.export_done, "ok");
      } catch (err) {
        say(strings.export_failed, "error");
      }
    });
  }

  var importInput = document.querySelector(".progress-import");
  if (importInput) importInput.addEventListener("change", onImport);

  var clearButton = document.querySelector(".progress-clear");
  if (clearButton) {
    clearButton.addEventListener("click", function () {
      if (!window.confirm(strings.clear_confirm)) return;
      store.clear();
      fillLearner();
      say(strings.cleared, "ok");
    });
  }

  if (!store.available) say(strings.storage_unavailable, "warning");
  fillLearner();
  renderDetails();
  renderReview();
  store.onChange(function () {
    fillLearner();
    renderDetails();
    renderReview();
  });
})();
