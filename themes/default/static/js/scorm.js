/*
 * scorm.js — a module page inside a SCORM 1.2 package, talking to the LMS.
 *
 * Loaded (defer, after quiz.js) only on pages that `kenshu package scorm`
 * renders. Without an LMS it does nothing and the page keeps its progress
 * in localStorage as on the portal; with one, the LMS is the record.
 *
 *   - Finds the API the standard way: window.API in this window and its
 *     parents (at most MAX_PARENTS up; a parent of another origin is
 *     skipped), then in window.opener and its parents. LMSInitialize("").
 *   - On start: cmi.core.lesson_status "not attempted" (or empty) becomes
 *     "incomplete", or "completed" on a page without questions (reading it
 *     is all it asks; its manifest item has no masteryscore). When cmi.core.entry is "resume", the answers kept in
 *     cmi.suspend_data are graded again on the page (kenshuQuiz.restore).
 *   - After each completed attempt (quiz.js's "kenshu:attempt" event, which
 *     this script takes with preventDefault so localStorage is left alone):
 *     lesson_status "passed" or "failed" as the page decided (a learner who
 *     passed before stays passed), score.raw (the best of the session and
 *     the LMS's earlier score) with score.min 0 and score.max 100,
 *     suspend_data, then LMSCommit("") at once.
 *   - On leaving (pagehide): session_time, exit ("" once passed, else
 *     "suspend" so the LMS offers to resume), suspend_data with the answers
 *     given so far, LMSCommit and LMSFinish, without waiting for anything;
 *     the status is never raised on leaving.
 *
 * suspend_data ("k2;", the attempt's seed (its draw and choice order), ";",
 * then one field per question in page order, joined with ","): "" not
 * answered, "t"/"f" true/false, "~" + encodeURIComponent(text) for a text
 * answer, else "." and the chosen choice indexes (author's order) as base-36
 * digits. The "k1;" form of earlier packages (no seed, no ".") is read too. One line, kept under SUSPEND_LIMIT (SCORM 1.2 allows 4,096
 * characters): text answers are cut, then dropped, if the line is too long.
 */
(function () {
  "use strict";

  var MAX_PARENTS = 10;
  var SUSPEND_LIMIT = 4096;
  var MAX_TEXT = 120;
  var PREFIX = "k2;";
  var OLD_PREFIX = "k1;";

  /** The SCORM 1.2 API in `win` or one of its parents, or null. */
  function searchUp(win) {
    for (var depth = 0; win && depth <= MAX_PARENTS; depth++) {
      try {
        if (win.API && typeof win.API.LMSInitialize === "function") return win.API;
      } catch (e) {
        /* a frame of another origin: look further up */
      }
      if (!win.parent || win.parent === win) break;
      win = win.parent;
    }
    return null;
  }

  function findApi() {
    var api = searchUp(window);
    if (!api && window.opener) api = searchUp(window.opener);
    return api;
  }

  var api = findApi();
  if (!api || String(api.LMSInitialize("")) !== "true") return;

  var started = Date.now();
  var finished = false;
  var passedEver = false;
  var bestScore = null;

  function get(name) {
    var value = api.LMSGetValue(name);
    return value === null || value === undefined ? "" : String(value);
  }

  function set(name, value) {
    api.LMSSetValue(name, String(value));
  }

  function quiz() {
    return window.kenshuQuiz || null;
  }

  /** One field of suspend_data for one answer (see the header). */
  function field(answer, textLimit) {
    if (answer === null || answer === undefined) return "";
    if (answer === true) return "t";
    if (answer === false) return "f";
    if (typeof answer === "string") {
      if (textLimit <= 0) return "";
      // Cut by characters, not UTF-16 units: half a surrogate pair (𠮷,
      // an emoji) would make encodeURIComponent throw.
      var chars = Array.from(answer).slice(0, MAX_TEXT);
      var text = encodeURIComponent(chars.join(""));
      while (text.length > textLimit) {
        chars = chars.slice(0, Math.floor(chars.length / 2));
        text = encodeURIComponent(chars.join(""));
      }
      return "~" + text;
    }
    if (!Array.isArray(answer)) return "";
    // "." first: the digits of choice 15 and 29 are "f" and "t".
    return "." + answer.filter(function (i) { return i >= 0 && i < 36; }).map(function (i) { return i.toString(36); }).join("");
  }

  /** The answers as one line of at most SUSPEND_LIMIT characters. */
  function encode(answers) {
    var limits = [Infinity, 24, 0];
    for (var n = 0; n < limits.length; n++) {
      var line = PREFIX + quizSeed() + ";" + answers.map(function (a) { return field(a, limits[n]); }).join(",");
      if (line.length < SUSPEND_LIMIT) return line;
    }
    return PREFIX;
  }

  /** The answers kept by encode(), as kenshuQuiz.restore() takes them. */
  function decode(line) {
    var fields;
    var seed = null;
    if (line.indexOf(PREFIX) === 0) {
      var rest = line.slice(PREFIX.length);
      var cut = rest.indexOf(";");
      seed = parseInt(rest.slice(0, cut), 10);
      fields = rest.slice(cut + 1);
    } else if (line.indexOf(OLD_PREFIX) === 0) {
      fields = line.slice(OLD_PREFIX.length);
    } else {
      return null;
    }
    var answers = fields.split(",").map(function (f) {
      if (f === "") return null;
      if (f === "t") return true;
      if (f === "f") return false;
      if (f.charAt(0) === ".") f = f.slice(1);
      if (f.charAt(0) === "~") {
        try {
          return decodeURIComponent(f.slice(1));
        } catch (e) {
          return null;
        }
      }
      return f.split("").map(function (c) { return parseInt(c, 36); });
    });
    return { seed: isNaN(seed) ? null : seed, answers: answers };
  }

  /** The quiz's seed, for suspend_data ("" without a quiz). */
  function quizSeed() {
    var q = quiz();
    return q && q.seed ? String(q.seed()) : "";
  }

  /** CMITimespan of SCORM 1.2: HHHH:MM:SS.SS (hours with at least two digits). */
  function timespan(ms) {
    var total = Math.max(0, Math.round(ms / 10)) / 100;
    var hours = Math.min(9999, Math.floor(total / 3600));
    var minutes = Math.floor((total % 3600) / 60);
    var seconds = (total % 60).toFixed(2);
    return pad(hours) + ":" + pad(minutes) + ":" + (seconds.length < 5 ? "0" : "") + seconds;
  }

  function pad(n) {
    return n < 10 ? "0" + n : String(n);
  }

  function saveAnswers() {
    var q = quiz();
    if (q) set("cmi.suspend_data", encode(q.answers()));
  }

  function start() {
    var status = get("cmi.core.lesson_status");
    passedEver = status === "passed";
    var raw = parseFloat(get("cmi.core.score.raw"));
    bestScore = isNaN(raw) ? null : raw;
    var readOnly = !document.querySelector("fieldset.question");
    if (readOnly && status !== "passed") {
      set("cmi.core.lesson_status", "completed");
      passedEver = true; // nothing left to do: exit "" on leaving
    } else if (status === "" || status === "not attempted") {
      set("cmi.core.lesson_status", "incomplete");
    }
    if (get("cmi.core.entry") === "resume" && quiz()) {
      var kept = decode(get("cmi.suspend_data"));
      if (kept) {
        // The same draw and order first, so the answers meet their questions.
        if (kept.seed && quiz().reseed) quiz().reseed(kept.seed);
        quiz().restore(kept.answers);
      }
    }
  }

  function onAttempt(event) {
    var detail = event.detail || {};
    event.preventDefault();
    if (detail.passed) passedEver = true;
    set("cmi.core.lesson_status", passedEver ? "passed" : "failed");
    var score = Number(detail.score) || 0;
    if (bestScore === null || score > bestScore) bestScore = score;
    set("cmi.core.score.min", 0);
    set("cmi.core.score.max", 100);
    set("cmi.core.score.raw", bestScore);
    set("cmi.suspend_data", encode(detail.state || []));
    api.LMSCommit("");
  }

  function finish() {
    if (finished) return;
    finished = true;
    set("cmi.core.session_time", timespan(Date.now() - started));
    set("cmi.core.exit", passedEver ? "" : "suspend");
    saveAnswers();
    api.LMSCommit("");
    api.LMSFinish("");
  }

  start();
  document.addEventListener("kenshu:attempt", onAttempt);
  window.addEventListener("pagehide", finish);
  window.addEventListener("beforeunload", finish);
})();
