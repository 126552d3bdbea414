/*
 * store.js — the learner's progress, kept in this browser (localStorage).
 *
 * Loaded with `defer` on every page, after assets/site-config.js (which sets
 * window.KENSHU = {progressKey, siteTitle, organization, strings, assessmentScale})
 * and records.js (window.kenshuRecords: what a valid record is, and merging).
 *
 * Public API: window.kenshuStore
 *   available            false when localStorage cannot be written (the data
 *                        then lives in memory for this page only)
 *   key                  the localStorage key (window.KENSHU.progressKey)
 *   get()                a copy of the whole state (schema below)
 *   module(id)           a copy of one module's record, or null
 *   status(id)           "passed" | "attempted" | "none"
 *   recordAttempt(id, score, passed, missed, prompts)  score = integer percent
 *                        0..100; missed = ids of the questions answered wrong
 *                        (prompts: optional {questionId: text}, shown in the review); keeps
 *                        the best score, counts the attempt, keeps the first
 *                        attempt's score and misses, returns the record
 *   learner()            {name, staffNumber, department, role}
 *   setLearner(fields)   saves the given learner fields (strings)
 *   followedRole()       the role whose study order the pages follow ("" if none)
 *   setFollowedRole(id)  remembers it (switched on a module page; choosing a
 *                        role for good is setLearner({role}), which follows it too)
 *   assessment()         {skillId: {level, assessedAt}} (a copy)
 *   setAssessment(skillId, level)  level 1..N of KENSHU.assessmentScale
 *   attemptSeed(id)      the shuffle seed of the module's current attempt,
 *                        kept after the attempt is finished (and recorded)
 *                        until newAttempt, so its order and draw stay
 *   newAttempt(id)       forgets it and the attempt's answers: the next
 *                        attempt is shuffled anew
 *   attemptAnswers(id)   {questions, answers, finished?} saved for the module's
 *                        current attempt (see saveAnswers), or null
 *   saveAnswers(id, questions, answers, finished)  the graded answers so far of
 *                        the current attempt (questions: ids in page order;
 *                        answers: kenshuQuiz.answers()), so a reload cannot
 *                        take a wrong answer back; finished: {at, attempt}
 *                        once the attempt is recorded (when, and which one)
 *   review()             {moduleId: {questionId: {box, addedAt, text, dueAt?, due}}}
 *                        (a copy; due: to be asked now)
 *   reviewAnswer(id, questionId, correct)  Leitner step: "done" | "again" | "wrong"
 *                        (right in box 1 → box 2, due the next day; right
 *                        when due in box 2 → out; wrong → box 1)
 *   exportData()         the export object, schema 2 (docs/progress-format.md)
 *   exportFile()         downloads exportData() as a .json file; returns its name
 *   importText(text)     validates and merges an exported file (schema 1 or 2);
 *                        returns {ok: true, count, assessments, otherSite,
 *                        siteTitle} or {ok: false, reason} (Japanese; on
 *                        failure nothing changes)
 *   validate(object)     null when `object` is a valid export, else the reason
 *   isSafeId(id)         whether an id may be a key of the records
 *   clear()              removes every record and the learner fields
 *   onChange(callback)   calls back after any change, also from another tab
 *
 * Stored state (schema 2; a stored schema 1 value is read and upgraded):
 *   {schema: 2, learner: {name, staffNumber, department, role}, followedRole,
 *    selfAssessment: {<skillId>: {level, assessedAt}},
 *    modules: {<moduleId>: {passed, bestScore, lastScore, attempts, passedAt,
 *              updatedAt, firstScore, firstMissed}},
 *    review: {<moduleId>: {<questionId>: {box, addedAt, text, dueAt?}}}, seeds: {<moduleId>: n},
 *    answers: {<moduleId>: {questions: [id…], answers: [null | true | false | "text" | [n…]],
 *              finished?: {at, attempt}}}}
 * (seeds and answers belong to the current attempt, under way or finished,
 * until a new one is started; they are not exported)
 * Every map is prototype-free (Object.create(null)) and no key may be an
 * Object.prototype name. Corrupted or missing storage starts empty and never
 * throws; a corrupted value is copied to "<key>:corrupt" before it is
 * overwritten. Records of module ids the site no longer has are kept.
 *
 * Event: window dispatches "kenshu:progress" after every change.
 */
(function () {
  "use strict";

  var config = window.KENSHU || {};
  var strings = config.strings || {};
  var KEY = config.progressKey || "kenshu:progress";
  var R = window.kenshuRecords;
  var SCHEMA = R.SCHEMA;
  var FORMAT = R.FORMAT;
  var MAX_FILE_CHARS = R.MAX_FILE_CHARS;
  var MAX_TEXT = R.MAX_TEXT;
  var MAX_ATTEMPTS = R.MAX_ATTEMPTS;
  var LEARNER_FIELDS = R.LEARNER_FIELDS;
  var dict = R.dict;
  var isObject = R.isObject;
  var isSafeId = R.isSafeId;
  var isLevel = R.isLevel;
  var isIsoDate = R.isIsoDate;
  var cleanMap = R.cleanMap;
  var cleanLearner = R.cleanLearner;
  var cleanRecord = R.cleanRecord;
  var cleanAssessment = R.cleanAssessment;
  var cleanBox = R.cleanBox;
  var cleanMissed = R.cleanMissed;
  var isQuestionId = R.isQuestionId;
  var validate = R.validate;
  var merge = R.merge;
  var format = R.format;

  var storage = openStorage();
  var state = load();

  /** localStorage, or null when the browser refuses it (privacy modes, file:// policies). */
  function openStorage() {
    try {
      var s = window.localStorage;
      var probe = KEY + ":probe";
      s.setItem(probe, "1");
      s.removeItem(probe);
      return s;
    } catch (e) {
      return null;
    }
  }

  function emptyState() {
    return {
      schema: SCHEMA,
      learner: { name: "", staffNumber: "", department: "", role: "" },
      followedRole: "",
      selfAssessment: dict(),
      modules: dict(),
      review: dict(),
      seeds: dict(),
      answers: dict()
    };
  }

  /** Reads the stored state leniently: what cannot be understood is dropped, never thrown. */
  function load() {
    var fresh = emptyState();
    if (!storage) return fresh;
    var raw;
    try {
      raw = storage.getItem(KEY);
    } catch (e) {
      return fresh;
    }
    if (raw === null) return fresh;
    var parsed;
    try {
      parsed = JSON.parse(raw);
    } catch (e) {
      parsed = null;
    }
    if (!isObject(parsed) || (parsed.schema !== 1 && parsed.schema !== SCHEMA)) {
      backupCorrupt(raw);
      return fresh;
    }
    if (isObject(parsed.learner)) fresh.learner = cleanLearner(parsed.learner);
    fresh.followedRole = isSafeId(parsed.followedRole) ? parsed.followedRole : "";
    fresh.modules = cleanMap(parsed.modules, cleanRecord);
    fresh.selfAssessment = cleanMap(parsed.selfAssessment, cleanAssessment);
    fresh.review = cleanMap(parsed.review, function (box) {
      var questions = cleanMap(box, cleanBox, isQuestionId);
      return Object.keys(questions).length ? questions : null;
    });
    fresh.seeds = cleanMap(parsed.seeds, function (n) {
      return typeof n === "number" && n > 0 && n < 4294967296 ? Math.floor(n) : null;
    });
    fresh.answers = cleanMap(parsed.answers, cleanAnswers);
    return fresh;
  }

  /** An attempt's saved answers when well formed (see saveAnswers), else null; a bad `finished` is dropped. */
  function cleanAnswers(saved) {
    if (!isObject(saved) || !Array.isArray(saved.questions) || !Array.isArray(saved.answers)) return null;
    if (saved.questions.length !== saved.answers.length || saved.questions.length > 1000) return null;
    if (!saved.questions.every(isQuestionId)) return null;
    var fine = saved.answers.every(function (a) {
      return a === null || typeof a === "boolean" || (typeof a === "string" && a.length <= 1000) ||
        (Array.isArray(a) && a.length <= 100 && a.every(function (n) { return typeof n === "number" && n >= 0 && n < 1000; }));
    });
    if (!fine) return null;
    var out = { questions: saved.questions.slice(), answers: saved.answers.slice() };
    var done = saved.finished;
    if (isObject(done) && isIsoDate(done.at) && typeof done.attempt === "number" && done.attempt >= 1) {
      out.finished = { at: done.at, attempt: Math.min(Math.floor(done.attempt), MAX_ATTEMPTS) };
    }
    return out;
  }

  function backupCorrupt(raw) {
    try {
      storage.setItem(KEY + ":corrupt", raw);
    } catch (e) {
      /* nothing more we can do */
    }
  }

  function save() {
    if (storage) {
      try {
        storage.setItem(KEY, JSON.stringify(state));
      } catch (e) {
        storage = null; // quota or policy: keep going in memory
      }
    }
    api.available = !!storage;
    notify();
  }

  function notify() {
    var event;
    try {
      event = new CustomEvent("kenshu:progress");
    } catch (e) {
      event = document.createEvent("Event");
      event.initEvent("kenshu:progress", false, false);
    }
    window.dispatchEvent(event);
  }

  function copy(value) {
    return JSON.parse(JSON.stringify(value));
  }

  function recordAttempt(id, score, passed, missed, prompts) {
    if (!isSafeId(id)) return null;
    var now = new Date().toISOString();
    var old = state.modules[id] || cleanRecord({});
    var pct = Math.max(0, Math.min(100, Math.floor(Number(score) || 0)));
    var first = old.attempts === 0;
    var wrong = cleanMissed(missed);
    var record = {
      passed: old.passed || !!passed,
      bestScore: Math.max(old.bestScore, pct),
      lastScore: pct,
      attempts: Math.min(old.attempts + 1, MAX_ATTEMPTS),
      passedAt: old.passedAt || (passed ? now : null),
      updatedAt: now,
      firstScore: first ? pct : old.firstScore,
      firstMissed: first ? wrong : old.firstMissed
    };
    state.modules[id] = record;
    // Questions answered wrong go into the review, box 1.
    wrong.forEach(function (q) {
      var boxes = state.review[id] || (state.review[id] = dict());
      var text = prompts && typeof prompts[q] === "string" ? prompts[q].slice(0, MAX_TEXT) : "";
      if (!boxes[q]) boxes[q] = { box: 1, addedAt: now, text: text };
    });
    save();
    return copy(record);
  }

  /**
   * Leitner step for a question asked again in the review: right moves it to
   * box 2, due the next day; right again once due takes it out (so the two
   * right answers are on different days, never one straight after seeing the
   * answer); wrong puts it back in box 1, due at once.
   */
  function reviewAnswer(id, question, correct) {
    var boxes = state.review[id];
    var entry = boxes && boxes[question];
    if (!entry) return null;
    var outcome;
    if (!correct) {
      entry.box = 1;
      delete entry.dueAt;
      outcome = "wrong";
    } else if (entry.box >= 2 && isDue(entry)) {
      delete boxes[question];
      if (!Object.keys(boxes).length) delete state.review[id];
      outcome = "done";
    } else {
      // Right in box 1 (or in box 2 before its day, which does not count).
      if (entry.box === 1) entry.dueAt = nextDay();
      entry.box = 2;
      outcome = "again";
    }
    save();
    return outcome;
  }

  /** Whether a review entry is to be asked now: in box 1, or its day has come. */
  function isDue(entry) {
    return !entry.dueAt || Date.parse(entry.dueAt) <= Date.now();
  }

  /** The start of tomorrow in the learner's time zone, as an ISO date-time. */
  function nextDay() {
    var d = new Date();
    d.setHours(24, 0, 0, 0);
    return d.toISOString();
  }

  /** The review boxes (a copy), each entry with `due` (isDue) added. */
  function review() {
    var out = copy(state.review);
    Object.keys(out).forEach(function (id) {
      Object.keys(out[id]).forEach(function (q) {
        out[id][q].due = isDue(out[id][q]);
      });
    });
    return out;
  }

  function attemptSeed(id) {
    if (!isSafeId(id)) return 1;
    if (!state.seeds[id]) {
      var n = 0;
      try {
        var buffer = new Uint32Array(1);
        window.crypto.getRandomValues(buffer);
        n = buffer[0];
      } catch (e) {
        n = Math.floor(Math.random() * 4294967295);
      }
      state.seeds[id] = n || 1;
      save();
    }
    return state.seeds[id];
  }

  function newAttempt(id) {
    if (state.seeds[id] || state.answers[id]) {
      delete state.seeds[id];
      delete state.answers[id];
      save();
    }
  }

  function saveAnswers(id, questions, answers, finished) {
    if (!isSafeId(id)) return;
    var saved = cleanAnswers({ questions: questions, answers: answers, finished: finished });
    if (!saved) return;
    state.answers[id] = saved;
    save();
  }

  function status(id) {
    var r = state.modules[id];
    if (!r) return "none";
    if (r.passed) return "passed";
    return r.attempts > 0 ? "attempted" : "none";
  }

  function setLearner(fields) {
    LEARNER_FIELDS.forEach(function (f) {
      if (typeof fields[f] === "string") state.learner[f] = fields[f].slice(0, MAX_TEXT);
    });
    if (state.learner.role && !isSafeId(state.learner.role)) state.learner.role = "";
    if (typeof fields.role === "string" && state.learner.role) state.followedRole = state.learner.role;
    save();
  }

  function setFollowedRole(id) {
    if (!isSafeId(id) || state.followedRole === id) return;
    state.followedRole = id;
    save();
  }

  function setAssessment(skill, level) {
    if (!isSafeId(skill)) return false;
    if (level === null || level === 0) {
      delete state.selfAssessment[skill];
    } else if (isLevel(level)) {
      state.selfAssessment[skill] = { level: level, assessedAt: new Date().toISOString() };
    } else {
      return false;
    }
    save();
    return true;
  }

  function exportData() {
    return {
      format: FORMAT,
      schema: SCHEMA,
      site: { title: config.siteTitle || "", organization: config.organization || "", key: KEY },
      exportedAt: new Date().toISOString(),
      learner: copy(state.learner),
      selfAssessment: copy(state.selfAssessment),
      modules: copy(state.modules)
    };
  }

  /** Triggers a download of the export; works from file:// because the data never leaves the page. */
  function exportFile() {
    var data = JSON.stringify(exportData(), null, 2) + "\n";
    var blob = new Blob([data], { type: "application/json" });
    var name = fileName();
    var url = URL.createObjectURL(blob);
    var link = document.createElement("a");
    link.href = url;
    link.download = name;
    link.hidden = true;
    document.body.appendChild(link);
    link.click();
    document.body.removeChild(link);
    setTimeout(function () {
      URL.revokeObjectURL(url);
    }, 10000);
    return name;
  }

  /** kenshu-progress-<staff number>-YYYYMMDD.json, safe on every file system. */
  function fileName() {
    var d = new Date();
    var date = String(d.getFullYear()) + pad(d.getMonth() + 1) + pad(d.getDate());
    var staff = (state.learner.staffNumber || "").replace(/[^0-9A-Za-z_-]/g, "").slice(0, 32);
    return "kenshu-progress-" + (staff ? staff + "-" : "") + date + ".json";
  }

  function pad(n) {
    return n < 10 ? "0" + n : String(n);
  }

  function importText(text) {
    var fail = function (reason) {
      return { ok: false, reason: format(strings.import_invalid || "{reason}", { reason: reason }) };
    };
    if (typeof text !== "string" || text.length > MAX_FILE_CHARS) return fail(strings.import_reason_size || "size");
    var obj;
    try {
      obj = JSON.parse(text.replace(/^\uFEFF/, ""));
    } catch (e) {
      return fail(strings.import_reason_json || "json");
    }
    var problem = validate(obj);
    if (problem) return fail(problem);
    var ids = Object.keys(obj.modules);
    ids.forEach(function (id) {
      state.modules[id] = merge(state.modules[id], cleanRecord(obj.modules[id]));
    });
    var skills = isObject(obj.selfAssessment) ? Object.keys(obj.selfAssessment) : [];
    skills.forEach(function (skill) {
      var theirs = cleanAssessment(obj.selfAssessment[skill]);
      var ours = state.selfAssessment[skill];
      if (!ours || (theirs.assessedAt || "") > (ours.assessedAt || "")) state.selfAssessment[skill] = theirs;
    });
    // Learner fields fill only what is empty here: a file never overwrites what was typed on this PC.
    var learner = isObject(obj.learner) ? obj.learner : {};
    LEARNER_FIELDS.forEach(function (f) {
      if (!state.learner[f] && typeof learner[f] === "string") state.learner[f] = learner[f];
    });
    save();
    var site = isObject(obj.site) ? obj.site : {};
    return {
      ok: true,
      count: ids.length,
      assessments: skills.length,
      otherSite: typeof site.key === "string" && site.key !== KEY,
      siteTitle: typeof site.title === "string" ? site.title : ""
    };
  }

  function clear() {
    state = emptyState();
    if (storage) {
      try {
        storage.removeItem(KEY);
      } catch (e) {
        /* in memory only */
      }
    }
    notify();
  }

  // Another tab saved: reload so this page shows the same records.
  window.addEventListener("storage", function (e) {
    if (e.key === KEY || e.key === null) {
      state = load();
      notify();
    }
  });

  var api = {
    available: !!storage,
    key: KEY,
    get: function () {
      return copy(state);
    },
    module: function (id) {
      return state.modules[id] ? copy(state.modules[id]) : null;
    },
    status: status,
    recordAttempt: recordAttempt,
    learner: function () {
      return copy(state.learner);
    },
    setLearner: setLearner,
    followedRole: function () {
      return state.followedRole || state.learner.role || "";
    },
    setFollowedRole: setFollowedRole,
    assessment: function () {
      return copy(state.selfAssessment);
    },
    setAssessment: setAssessment,
    attemptSeed: attemptSeed,
    newAttempt: newAttempt,
    attemptAnswers: function (id) {
      return state.answers[id] ? copy(state.answers[id]) : null;
    },
    saveAnswers: saveAnswers,
    review: review,
    reviewAnswer: reviewAnswer,
    exportData: exportData,
    exportFile: exportFile,
    importText: importText,
    validate: validate,
    isSafeId: isSafeId,
    clear: clear,
    format: format,
    onChange: function (callback) {
      window.addEventListener("kenshu:progress", function () {
        callback();
      });
    }
  };
  window.kenshuStore = api;
})();
