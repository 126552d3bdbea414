/*
 * quiz.js — the self-check (理解度チェック) on module pages.
 *
 * Markup (src/render/quiz.rs, module.html quiz-summary):
 *   fieldset.question#qN[data-kind="single|multiple|true-false|text"][data-question-id]
 *     [data-truth="true|false"] (true-false)  [data-accepted='["..."]'] (text)
 *     [data-ignore="・ー"] (text: characters ignored)  [data-shuffle="false"] (pinned order)
 *     li.choice > input[data-correct="true|false"] + label + div.choice__feedback[hidden]
 *     button.question__check[hidden]          shown by this script
 *     div.question__result[role=status]       verdict, announced
 *     div.question__explanation[hidden]       revealed after answering
 *   section.quiz-summary[data-module-id][data-pass-score][data-draw]
 *     .quiz-summary__pass  .quiz-summary__score[role=status]  .quiz-summary__best
 *     button.quiz-summary__reset[hidden]
 *
 * Behaviour:
 *   - Choices are shuffled per learner and attempt (seed from
 *     kenshuStore.attemptSeed, kept until "もう一度解く": a reload, during
 *     the attempt or after it is finished, shows the same order);
 *     data-shuffle="false" keeps the author's order. With data-draw=N each
 *     attempt asks N questions of the pool (the rest are hidden) and numbers
 *     them 1..N; the draw is the attempt's too, so reloading cannot draw
 *     other questions.
 *   - The summary shows 「n / N 問回答」 until every question is answered.
 *   - "回答する" grades one question. Nothing chosen → a hint, nothing graded.
 *   - Once graded, a question is locked for this attempt (inputs disabled, the
 *     button stays focusable with aria-disabled="true" and reads 「回答済み」), so
 *     the first answer is the one that counts and retrying cannot inflate a score.
 *     "もう一度解く" (reset) starts a new attempt.
 *   - The graded answers of the current attempt (under way or finished) are
 *     saved in the store after each answer (kenshuStore.saveAnswers) and
 *     graded again on load, so a reload cannot take a wrong answer back.
 *     Leaving an attempt half-way with "もう一度解く" records it: unanswered
 *     questions count as not right, wrong ones go to the review.
 *   - After grading: fieldset gets data-result="correct|incorrect" and class
 *     question--correct|question--incorrect; each relevant choice gets
 *     span.choice__mark (✓ 正解… / ✗ 誤り…, text not colour); chosen choices'
 *     feedback and the explanation are unhidden; text questions whose answer was
 *     wrong show the first accepted answer.
 *   - Text answers: NFKC, lower case, all white space removed (and the
 *     characters of data-ignore), then compared with each accepted answer
 *     treated the same way.
 *   - When every question is graded: score = floor(correct × 100 / total);
 *     passed when correct × 100 ≥ passScore × total. The summary (role=status)
 *     announces it, section.quiz-summary gets data-state="passed|failed"
 *     (else "incomplete"), and the attempt goes to kenshuStore.recordAttempt
 *     (with the ids of the questions answered wrong). The summary then also
 *     says when the attempt was finished and which attempt it was
 *     (p.quiz-summary__finished); after a reload the finished attempt is
 *     shown again as it was answered (questions, order, answers, marks,
 *     explanations, summary) until "もう一度解く" starts a new one: no
 *     reload or navigation starts one.
 *   - Each completed attempt is first announced as the cancelable DOM event
 *     "kenshu:attempt" on document, detail {moduleId, score, passed, correct,
 *     total, missed, state} (state = kenshuQuiz.answers()); a listener that
 *     calls preventDefault() takes the record (scorm.js, inside an LMS) and
 *     the store is left alone.
 *   - window.kenshuQuiz = {answers(), restore(list), seed(), reseed(n)}: the
 *     graded answers of this attempt by question (page order) and choice
 *     (author's order, the inputs' values), grading such a list again
 *     without recording it, and (in a package) the attempt's seed and asking
 *     again the draw and order of an earlier seed.
 *   - Review (page opened with #review or #review-<questionId>): only the
 *     module's questions in the learner's review boxes that are due are asked
 *     (one answered right is due again the next day); each answer goes to
 *     kenshuStore.reviewAnswer instead of an attempt. The summary counts the
 *     review's own questions (「復習: n / N 問回答」, then how many right), the
 *     module's pass mark is hidden, and there is no "もう一度解く".
 *   - Enter in a text answer grades it. Pages without a summary (plain pages)
 *     grade questions but record nothing.
 */
(function () {
  "use strict";

  var store = window.kenshuStore;
  var strings = (window.KENSHU && window.KENSHU.strings) || {};
  var format = store ? store.format : function (t) { return String(t); };
  var ui = window.kenshuUI;
  var summary = document.querySelector("section.quiz-summary");
  var questions = Array.prototype.slice.call(document.querySelectorAll("fieldset.question[data-kind]"));
  var resetButton = summary && summary.querySelector(".quiz-summary__reset");
  var results = {}; // element id → true (correct) / false (wrong) in this attempt
  var recorded = false;
  var finished = null; // {at, attempt} once this attempt is recorded (kept by the store)
  var reviewing = /^#review/.test(window.location.hash);
  var all = questions;
  var restoring = false; // restore() is grading an earlier session's answers

  if (!questions.length) return;

  /** Text answer comparison key: NFKC, case folded, white space and the ignored characters left out. */
  function normalizeAnswer(text, ignore) {
    var s = ui.nfkc(text).toLowerCase().replace(/\s+/g, "");
    var skip = ui.nfkc(ignore || "");
    for (var i = 0; i < skip.length; i++) s = s.split(skip.charAt(i)).join("");
    return s;
  }

  /** 32-bit FNV-1a of a string, to derive a question's seed from the attempt's. */
  function hash(text) {
    var h = 0x811c9dc5;
    for (var i = 0; i < text.length; i++) {
      h ^= text.charCodeAt(i);
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    return h;
  }

  /** mulberry32: a small seeded generator, the same order for the same seed. */
  function random(seed) {
    var a = seed >>> 0;
    return function () {
      a = (a + 0x6d2b79f5) >>> 0;
      var t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  function shuffled(list, seed) {
    var out = list.slice();
    var next = random(seed);
    for (var i = out.length - 1; i > 0; i--) {
      var j = Math.floor(next() * (i + 1));
      var t = out[i];
      out[i] = out[j];
      out[j] = t;
    }
    return out;
  }

  // Inside a SCORM package the LMS is the record: the order is drawn for
  // this page only, and nothing is kept in the browser's storage.
  var packaged = document.body.getAttribute("data-package") === "scorm";
  var pageSeed = Math.floor(Math.random() * 4294967295) + 1;

  function seed() {
    if (packaged) return pageSeed;
    return store && moduleId() ? store.attemptSeed(moduleId()) : 1;
  }

  /** Puts each question's choices in this attempt's order (unless pinned). */
  function shuffleChoices(base) {
    all.forEach(function (q) {
      var list = q.querySelector("ul.choices");
      if (!list || q.getAttribute("data-shuffle") === "false" || q.getAttribute("data-kind") === "true-false") return;
      var items = Array.prototype.slice.call(list.children);
      items.sort(function (a, b) {
        return Number(a.querySelector("input").value) - Number(b.querySelector("input").value);
      });
      shuffled(items, base ^ hash(q.getAttribute("data-question-id") || q.id)).forEach(function (li) {
        list.appendChild(li);
      });
    });
  }

  /** The questions this attempt asks: the review's, a drawn set, or all; the others are hidden. */
  function chooseQuestions(base) {
    var chosen = all;
    if (reviewing) {
      var boxes = (store && moduleId() && store.review()[moduleId()]) || {};
      chosen = all.filter(function (q) {
        var box = boxes[q.getAttribute("data-question-id")];
        return box && box.due;
      });
    } else {
      var draw = summary ? parseInt(summary.getAttribute("data-draw"), 10) : NaN;
      if (draw > 0 && draw < all.length) {
        var picked = shuffled(all, base ^ hash("draw")).slice(0, draw);
        chosen = all.filter(function (q) { return picked.indexOf(q) >= 0; });
      }
    }
    all.forEach(function (q) {
      var asked = chosen.indexOf(q) >= 0;
      q.hidden = !asked;
      inputsOf(q).forEach(function (i) { i.disabled = !asked; });
    });
    chosen.forEach(function (q, index) {
      var number = q.querySelector(".question__number");
      if (number) number.textContent = number.textContent.replace(/\d+$/, "") + (index + 1);
    });
    return chosen;
  }

  function inputsOf(q) {
    return Array.prototype.slice.call(q.querySelectorAll("input"));
  }

  function acceptedOf(q) {
    try {
      var list = JSON.parse(q.getAttribute("data-accepted") || "[]");
      return Array.isArray(list) ? list.map(String) : [];
    } catch (e) {
      return [];
    }
  }

  /** Grades a question: true / false, or null when nothing was answered. */
  function grade(q) {
    var kind = q.getAttribute("data-kind");
    var inputs = inputsOf(q);
    if (kind === "text") {
      var value = inputs[0] ? inputs[0].value : "";
      if (!value.trim()) return null;
      var ignore = q.getAttribute("data-ignore");
      var given = normalizeAnswer(value, ignore);
      return acceptedOf(q).some(function (a) {
        return normalizeAnswer(a, ignore) === given;
      });
    }
    var chosen = inputs.filter(function (i) { return i.checked; });
    if (!chosen.length) return null;
    if (kind === "true-false") return chosen[0].value === q.getAttribute("data-truth");
    if (kind === "single") return chosen[0].getAttribute("data-correct") === "true";
    return inputs.every(function (i) {
      return i.checked === (i.getAttribute("data-correct") === "true");
    });
  }

  function isRight(q, input) {
    if (q.getAttribute("data-kind") === "true-false") return input.value === q.getAttribute("data-truth");
    return input.getAttribute("data-correct") === "true";
  }

  function addMark(li, kind, icon, text) {
    var mark = document.createElement("span");
    mark.className = "choice__mark choice__mark--" + kind;
    ui.iconText(mark, icon, text, "choice__icon");
    var label = li.querySelector("label");
    li.insertBefore(mark, label ? label.nextSibling : null);
  }

  /** Marks choices: the right ones, and the wrong ones the learner chose. */
  function markChoices(q) {
    inputsOf(q).forEach(function (input) {
      var li = input.closest(".choice");
      if (!li || input.type === "text") return;
      var right = isRight(q, input);
      if (right && input.checked) addMark(li, "correct", "✓", strings.mark_correct_chosen);
      else if (right) addMark(li, "correct", "✓", strings.mark_correct);
      else if (input.checked) addMark(li, "wrong", "✗", strings.mark_wrong_chosen);
      li.classList.add(right ? "choice--right" : "choice--wrong");
      if (input.checked) {
        li.classList.add("choice--chosen");
        var feedback = li.querySelector(".choice__feedback");
        if (feedback) feedback.hidden = false;
      }
    });
  }

  function setResult(q, parts) {
    var box = q.querySelector(".question__result");
    if (!box) return;
    box.textContent = "";
    parts.forEach(function (p) { box.appendChild(p); });
  }

  function paragraph(className, icon, text) {
    var p = document.createElement("p");
    p.className = className;
    ui.iconText(p, icon, text, "question__icon");
    return p;
  }

  function check(q) {
    if (q.id in results) return;
    var correct = grade(q);
    if (correct === null) {
      var hint = q.getAttribute("data-kind") === "text" ? strings.not_entered : strings.not_answered;
      setResult(q, [paragraph("question__verdict question__verdict--missing", "!", hint)]);
      return;
    }
    results[q.id] = correct;
    var focusWasInside = q.contains(document.activeElement);
    inputsOf(q).forEach(function (i) { i.disabled = true; });
    markChoices(q);
    q.setAttribute("data-result", correct ? "correct" : "incorrect");
    q.classList.add(correct ? "question--correct" : "question--incorrect");
    var parts = [
      paragraph("question__verdict question__verdict--" + (correct ? "correct" : "incorrect"),
        correct ? "✓" : "✗", correct ? strings.correct : strings.incorrect)
    ];
    var accepted = acceptedOf(q);
    if (!correct && q.getAttribute("data-kind") === "text" && accepted.length) {
      parts.push(paragraph("question__answer", "", format(strings.accepted_answer, { answer: accepted[0] })));
    }
    if (reviewing && store && moduleId()) {
      var outcome = store.reviewAnswer(moduleId(), q.getAttribute("data-question-id"), correct);
      var said = { done: strings.review_done, again: strings.review_again, wrong: strings.review_wrong }[outcome];
      if (said) parts.push(paragraph("question__review", "", said));
    }
    setResult(q, parts);
    var explanation = q.querySelector(".question__explanation");
    if (explanation) explanation.hidden = false;
    var button = q.querySelector(".question__check");
    if (button) {
      button.setAttribute("aria-disabled", "true");
      button.textContent = strings.answered || button.textContent;
      if (focusWasInside) button.focus();
    }
    if (resetButton && !reviewing) resetButton.hidden = false;
    updateSummary();
    keepAnswers();
  }

  function passScore() {
    var el = summary || document.querySelector("[data-pass-score]");
    var n = el ? parseInt(el.getAttribute("data-pass-score"), 10) : NaN;
    return isNaN(n) ? 80 : n;
  }

  function moduleId() {
    return summary ? summary.getAttribute("data-module-id") : null;
  }

  function updateSummary() {
    if (!summary) return;
    var total = questions.length;
    var answered = Object.keys(results).length;
    var scoreBox = summary.querySelector(".quiz-summary__score");
    if (!scoreBox) return;
    if (reviewing) {
      showReviewSummary(scoreBox, answered, total);
      return;
    }
    if (answered < total) {
      summary.setAttribute("data-state", "incomplete");
      scoreBox.textContent = format(strings.answered_count, { answered: answered, total: total });
      return;
    }
    var correct = correctCount();
    var percent = Math.floor((correct * 100) / total);
    var passed = correct * 100 >= passScore() * total;
    summary.setAttribute("data-state", passed ? "passed" : "failed");
    summary.setAttribute("data-score", String(percent));
    scoreBox.textContent = "";
    scoreBox.appendChild(paragraph("quiz-summary__line", "", format(strings.score, { correct: correct, total: total, percent: percent })));
    scoreBox.appendChild(paragraph("quiz-summary__verdict quiz-summary__verdict--" + (passed ? "passed" : "failed"),
      passed ? "✓" : "✗", passed ? strings.passed : format(strings.not_passed, { pass: passScore() })));
    if (!recorded && moduleId() && !restoring) record(correct, total);
    if (finished) scoreBox.appendChild(paragraph("quiz-summary__finished", "", finishedText()));
    showBest();
  }

  function correctCount() {
    return Object.keys(results).filter(function (k) { return results[k]; }).length;
  }

  /** 「2026年12月3日 16:05 に終えた 2 回目の挑戦の結果です。…」 */
  function finishedText() {
    var when = ui.formatDate(finished.at, { year: "numeric", month: "long", day: "numeric", hour: "2-digit", minute: "2-digit" });
    return format(strings.attempt_finished, { date: when, count: finished.attempt });
  }

  /** The review's own summary: how many of its questions are answered, then how many right. */
  function showReviewSummary(scoreBox, answered, total) {
    summary.setAttribute("data-state", "incomplete");
    scoreBox.textContent = answered < total ?
      format(strings.review_answered, { answered: answered, total: total }) :
      format(strings.review_result, { correct: correctCount(), total: total });
  }

  /**
   * Records this attempt: `correct` of `total` questions right (an
   * unanswered question counts as not right), the wrongly answered ones as
   * missed.
   */
  function record(correct, total) {
    recorded = true;
    var percent = Math.floor((correct * 100) / total);
    var passed = correct * 100 >= passScore() * total;
    var missed = questions.filter(function (q) { return results[q.id] === false; }).map(function (q) {
      return q.getAttribute("data-question-id");
    });
    var prompts = {};
    questions.forEach(function (q) {
      var legend = q.querySelector(".question__prompt");
      var number = legend && legend.querySelector(".question__number");
      var text = legend ? legend.textContent : "";
      if (number) text = text.slice(number.textContent.length);
      prompts[q.getAttribute("data-question-id")] = text.trim();
    });
    // An LMS runtime (scorm.js) takes the attempt by cancelling the event.
    var keep = announceAttempt({
      moduleId: moduleId(), score: percent, passed: passed, correct: correct,
      total: total, missed: missed, state: answers()
    });
    var kept = keep && store ? store.recordAttempt(moduleId(), percent, passed, missed, prompts) : null;
    if (kept && keepsAttempts()) finished = { at: kept.updatedAt, attempt: kept.attempts };
  }

  /** Whether this page keeps its attempt in the store (a module page, not a review or an LMS package). */
  function keepsAttempts() {
    return !!(store && summary && moduleId() && !reviewing && !packaged);
  }

  /** Saves the graded answers so far, so a reload shows them graded again. */
  function keepAnswers() {
    if (!keepsAttempts() || restoring) return;
    var ids = questions.map(function (q) { return q.getAttribute("data-question-id"); });
    store.saveAnswers(moduleId(), ids, answers(), finished);
  }

  /** Grades again the answers saved for this attempt, when its questions are still the same. */
  function resume() {
    if (!keepsAttempts()) return;
    var saved = store.attemptAnswers(moduleId());
    if (!saved) return;
    var ids = questions.map(function (q) { return q.getAttribute("data-question-id"); });
    if (saved.questions.join("\n") !== ids.join("\n")) return;
    finished = saved.finished || null;
    restore(saved.answers);
    if (Object.keys(results).length && resetButton) resetButton.hidden = false;
  }

  /** Dispatches "kenshu:attempt"; false when a listener took the attempt (preventDefault). */
  function announceAttempt(detail) {
    var event;
    try {
      event = new CustomEvent("kenshu:attempt", { detail: detail, cancelable: true });
    } catch (e) {
      return true;
    }
    return document.dispatchEvent(event);
  }

  /**
   * This attempt's answers, one entry per question in page order: null when
   * not graded, else the chosen choice indexes in the author's order (the
   * inputs' values), true/false, or the typed text.
   */
  function answers() {
    return questions.map(function (q) {
      if (!(q.id in results)) return null;
      var kind = q.getAttribute("data-kind");
      var inputs = inputsOf(q);
      if (kind === "text") return inputs[0] ? inputs[0].value : "";
      var chosen = inputs.filter(function (i) { return i.checked; });
      if (kind === "true-false") return chosen.length ? chosen[0].value === "true" : null;
      return chosen.map(function (i) { return parseInt(i.value, 10); });
    });
  }

  /** Grades again the answers of an earlier session (as answers() gave them), recording nothing. */
  function restore(list) {
    if (!Array.isArray(list)) return;
    restoring = true;
    questions.forEach(function (q, index) {
      var answer = list[index];
      if (answer === null || answer === undefined || q.id in results) return;
      var inputs = inputsOf(q);
      var kind = q.getAttribute("data-kind");
      if (kind === "text") {
        if (inputs[0]) inputs[0].value = String(answer);
      } else {
        inputs.forEach(function (i) {
          i.checked = kind === "true-false" ? i.value === String(answer) :
            Array.isArray(answer) && answer.indexOf(parseInt(i.value, 10)) >= 0;
        });
      }
      check(q);
    });
    restoring = false;
    recorded = Object.keys(results).length === questions.length;
  }

  /** 「これまでの最高点」 line from the store. */
  function showBest() {
    if (!summary) return;
    var line = summary.querySelector(".quiz-summary__best");
    if (!line) return;
    var record = store && moduleId() ? store.module(moduleId()) : null;
    var text = "";
    if (record && record.attempts > 0) {
      text = format(strings.best, { best: record.bestScore });
      if (record.passed && record.passedAt) {
        text += "（" + format(strings.passed_on, { date: ui.formatDate(record.passedAt) }) + "）";
      }
    }
    if (store && !store.available) text = (text ? text + " " : "") + (strings.storage_unavailable || "");
    line.textContent = text;
  }


  /** Starts a new attempt: everything back to unanswered, focus on the first question. */
  function reset() {
    var graded = Object.keys(results);
    // Leaving an attempt half-way still counts it, misses and all.
    if (!recorded && !reviewing && moduleId() && graded.length) {
      record(correctCount(), questions.length);
    }
    results = {};
    recorded = false;
    finished = null;
    if (packaged) pageSeed = Math.floor(Math.random() * 4294967295) + 1;
    if (store && moduleId() && !reviewing) store.newAttempt(moduleId());
    start();
    all.forEach(function (q) {
      inputsOf(q).forEach(function (i) {
        i.checked = false;
        if (i.type === "text") i.value = "";
      });
      q.removeAttribute("data-result");
      q.classList.remove("question--correct", "question--incorrect");
      Array.prototype.forEach.call(q.querySelectorAll(".choice__mark"), function (m) { m.parentNode.removeChild(m); });
      Array.prototype.forEach.call(q.querySelectorAll(".choice"), function (li) {
        li.classList.remove("choice--right", "choice--wrong", "choice--chosen");
      });
      Array.prototype.forEach.call(q.querySelectorAll(".choice__feedback, .question__explanation"), function (el) {
        el.hidden = true;
      });
      setResult(q, []);
      var button = q.querySelector(".question__check");
      if (button) {
        button.removeAttribute("aria-disabled");
        button.textContent = button.getAttribute("data-label") || button.textContent;
      }
    });
    if (summary) {
      summary.removeAttribute("data-score");
      if (resetButton) resetButton.hidden = true;
    }
    updateSummary();
    showBest();
    var first = questions.length ? questions[0].querySelector("input") : null;
    if (first) first.focus();
  }

  /** Settles this attempt's questions and choice order. */
  function start() {
    var base = seed();
    shuffleChoices(base);
    questions = chooseQuestions(base);
  }

  /** Why the review asks nothing here: no question in the boxes, or none due before a later day. */
  function noReviewText() {
    var boxes = (store && moduleId() && store.review()[moduleId()]) || {};
    var later = Object.keys(boxes).map(function (id) { return boxes[id].dueAt || ""; }).filter(Boolean).sort()[0];
    return later ? format(strings.review_none_due, { date: ui.formatDate(later) }) : strings.review_none_here;
  }

  /** The review's banner above the first question: what is asked, and the way back. */
  function reviewBanner() {
    var first = document.querySelector(".quiz-block");
    if (!first) return;
    var box = document.createElement("div");
    box.className = "callout review-banner";
    var p = document.createElement("p");
    p.textContent = questions.length ? strings.review_mode : noReviewText();
    box.appendChild(p);
    var pass = summary && summary.querySelector(".quiz-summary__pass");
    if (pass) pass.hidden = true; // the module's pass mark is not the review's
    var back = document.createElement("a");
    back.href = window.location.pathname.split("/").pop() || "index.html";
    back.textContent = strings.review_exit;
    var line = document.createElement("p");
    line.appendChild(back);
    box.appendChild(line);
    first.parentNode.insertBefore(box, first);
    var target = /^#review-(.+)$/.exec(window.location.hash);
    var wanted = target && questions.filter(function (q) { return q.getAttribute("data-question-id") === target[1]; })[0];
    if (wanted) wanted.scrollIntoView();
  }

  questions.forEach(function (q) {
    var button = q.querySelector(".question__check");
    if (!button) return;
    button.setAttribute("data-label", button.textContent);
    // Forms restored by the browser's back/forward cache would look answered but are not graded.
    inputsOf(q).forEach(function (i) {
      i.checked = false;
      if (i.type === "text") i.value = "";
    });
    button.hidden = false;
    button.addEventListener("click", function () { check(q); });
    q.addEventListener("keydown", function (e) {
      if (e.key === "Enter" && e.target.type === "text") {
        e.preventDefault();
        check(q);
      }
    });
  });

  // For an LMS runtime (scorm.js): read and restore the answers of an attempt.
  window.kenshuQuiz = {
    answers: answers,
    restore: restore,
    /** The seed of this attempt's choice order and draw. */
    seed: seed,
    /** In a package: asks again the draw and order of an earlier session's seed. */
    reseed: function (n) {
      if (!packaged || !(n > 0) || Object.keys(results).length) return;
      pageSeed = n;
      start();
    }
  };

  start();
  if (reviewing) reviewBanner();
  resume();
  if (summary) {
    if (resetButton) resetButton.addEventListener("click", reset);
    updateSummary();
    showBest();
    if (store) store.onChange(showBest);
  }
})();
