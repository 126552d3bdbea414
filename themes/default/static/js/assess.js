/*
 * assess.js — self-assessment (スキル水準の把握) on role, skill and progress pages.
 *
 * Hooks (macros.html assessment_form, progress.html):
 *   section[data-assessment]              shown by this script (it needs the store)
 *     fieldset[data-assess-skill="<id>"] input[type=radio][value=1..N]
 *         checked from the store; choosing one saves it (kenshuStore.setAssessment)
 *     p[data-assess-saved]                「保存しました: 業務で使える」 after a choice,
 *                                          else 「2026/12/1 評価」 (role=status not
 *                                          needed: the radio itself announces the choice)
 *   table[data-assessment-summary] tr[data-assessment-row="<id>"]
 *     [data-assessment-level] [data-assessment-date]   progress page: one row
 *         per assessed skill; [data-assessment-empty] shown when there is none.
 * Level labels come from window.KENSHU.assessmentScale (skills.yaml).
 */
(function () {
  "use strict";

  var store = window.kenshuStore;
  if (!store) return;
  var strings = (window.KENSHU && window.KENSHU.strings) || {};
  var scale = (window.KENSHU && window.KENSHU.assessmentScale) || [];
  var format = store.format;
  var formatDate = window.kenshuUI.formatDate;

  function label(level) {
    var entry = scale[level - 1];
    return entry ? level + ". " + entry.label : String(level);
  }


  function each(root, selector, fn) {
    Array.prototype.forEach.call(root.querySelectorAll(selector), fn);
  }

  function fillForms() {
    var saved = store.assessment();
    each(document, "fieldset[data-assess-skill]", function (fieldset) {
      var record = saved[fieldset.getAttribute("data-assess-skill")];
      each(fieldset, "input[type=radio]", function (input) {
        input.checked = !!record && Number(input.value) === record.level;
      });
      var note = fieldset.querySelector("[data-assess-saved]");
      if (note && !note.getAttribute("data-just-saved")) {
        note.textContent = record && record.assessedAt ? format(strings.assessment_on, { date: formatDate(record.assessedAt) }) : "";
      }
    });
  }

  function fillSummary(table) {
    var saved = store.assessment();
    var any = false;
    each(table, "tr[data-assessment-row]", function (row) {
      var record = saved[row.getAttribute("data-assessment-row")];
      row.hidden = !record;
      if (!record) return;
      any = true;
      row.querySelector("[data-assessment-level]").textContent = label(record.level);
      row.querySelector("[data-assessment-date]").textContent = formatDate(record.assessedAt);
    });
    table.hidden = !any;
    var empty = document.querySelector("[data-assessment-empty]");
    if (empty) empty.hidden = any;
  }

  each(document, "section[data-assessment]", function (section) {
    section.hidden = false;
    section.addEventListener("change", function (e) {
      var input = e.target;
      var fieldset = input.closest("fieldset[data-assess-skill]");
      if (!fieldset || input.type !== "radio") return;
      var level = Number(input.value);
      if (store.setAssessment(fieldset.getAttribute("data-assess-skill"), level)) {
        var note = fieldset.querySelector("[data-assess-saved]");
        if (note) {
          note.setAttribute("data-just-saved", "true");
          note.textContent = format(strings.assessment_saved, { level: label(level) });
        }
      }
    });
    // Enter in the form must not submit it.
    var form = section.querySelector("form");
    if (form) form.addEventListener("submit", function (e) { e.preventDefault(); });
  });

  var summary = document.querySelector("table[data-assessment-summary]");
  function render() {
    fillForms();
    if (summary) fillSummary(summary);
  }
  render();
  store.onChange(render);
})();
