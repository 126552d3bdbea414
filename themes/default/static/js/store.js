/*
 * store.js — the learner's progress, kept in this browser (localStorage).
 *
 * Loaded with `defer` on every page, after assets/site-config.js (which sets
 * window.KENSHU = {progressKey, siteTitle, organization, strings, assessmentScale}).
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
 *   setFollowedRole(id)  remembers it (role page visited, chosen on a page)
 *   assessment()         {skillId: {level, assessedAt}} (a copy)
 *   setAssessment(skillId, level)  level 1..N of KENSHU.assessmentScale
 *   attemptSeed(id)      the shuffle seed of the module's current attempt
 *   newAttempt(id)       forgets it: the next attempt is shuffled anew
 *   review()             {moduleId: {questionId: {box, addedAt, text}}} (a copy)
 *   reviewAnswer(id, questionId, correct)  Leitner step: "done" | "again" | "wrong"
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
 *    review: {<moduleId>: {<questionId>: {box, addedAt, text}}}, seeds: {<moduleId>: n}}
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
  var SCHEMA = 2;
  var FORMAT = "kenshu-progress";
  var MAX_FILE_CHARS = 2 * 1024 * 1024;
  var MAX_MODULES = 5000;
  var MAX_TEXT = 200;
  var MAX_MISSED = 200;
  var MAX_ATTEMPTS = 1000000;
  var SCALE = Array.isArray(config.assessmentScale) && config.assessmentScale.length ? config.assessmentScale.length : 4;
  var UNSAFE_ID = /[\/\\?#%:*"<>|\u0000-\u001f\u007f]/;
  var QUESTION_ID = /^q[0-9a-f]{8}(-[0-9]{1,4})?$/;
  var ISO = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
  var LEARNER_FIELDS = ["name", "staffNumber", "department", "role"];
  var RESERVED = Object.getOwnPropertyNames(Object.prototype).concat(["__proto__", "prototype"]);

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

  /** A map without a prototype: no key can reach Object.prototype. */
  function dict() {
    return Object.create(null);
  }

  function emptyState() {
    return {
      schema: SCHEMA,
      learner: { name: "", staffNumber: "", department: "", role: "" },
      followedRole: "",
      selfAssessment: dict(),
      modules: dict(),
      review: dict(),
      seeds: dict()
    };
  }

  function isObject(v) {
    return v !== null && typeof v === "object" && !Array.isArray(v);
  }

  /** Module, skill and role ids: NFC, ≤ 200 chars, safe in a URL path segment and a Windows file name. */
  function isSafeId(id) {
    if (typeof id !== "string" || id.length === 0 || id.length > MAX_TEXT) return false;
    if (id.normalize && id.normalize("NFC") !== id) return false;
    if (UNSAFE_ID.test(id) || id === "." || id === ".." || /[. ]$/.test(id)) return false;
    return RESERVED.indexOf(id) < 0;
  }

  /** An ISO 8601 date or date-time that names a real day and time (no 2024-02-30). */
  function isIsoDate(v) {
    if (typeof v !== "string" || v.length > 40) return false;
    var m = ISO.exec(v);
    if (!m) return false;
    var month = Number(m[2]);
    var day = Number(m[3]);
    if (month < 1 || month > 12 || day < 1) return false;
    var last = new Date(Date.UTC(2000 + (Number(m[1]) % 400), month, 0)).getUTCDate();
    if (day > last) return false;
    if (m[4] !== undefined && (Number(m[4]) > 23 || Number(m[5]) > 59 || (m[6] !== undefined && Number(m[6]) > 59))) return false;
    return !isNaN(Date.parse(v));
  }

  function isPercent(v) {
    return typeof v === "number" && Math.floor(v) === v && v >= 0 && v <= 100;
  }

  function isLevel(v) {
    return typeof v === "number" && Math.floor(v) === v && v >= 1 && v <= SCALE;
  }

  /** Copies the entries of `from` whose key is safe and whose value `clean` accepts into a new map. */
  function cleanMap(from, clean, keyOk) {
    var out = dict();
    if (!isObject(from)) return out;
    Object.keys(from).forEach(function (k) {
      var value = (keyOk || isSafeId)(k) ? clean(from[k]) : null;
      if (value) out[k] = value;
    });
    return out;
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
    return fresh;
  }

  function backupCorrupt(raw) {
    try {
      storage.setItem(KEY + ":corrupt", raw);
    } catch (e) {
      /* nothing more we can do */
    }
  }

  function cleanLearner(l) {
    var out = {};
    LEARNER_FIELDS.forEach(function (f) {
      out[f] = typeof l[f] === "string" ? l[f].slice(0, MAX_TEXT) : "";
    });
    if (out.role && !isSafeId(out.role)) out.role = "";
    return out;
  }

  function isQuestionId(id) {
    return typeof id === "string" && QUESTION_ID.test(id);
  }

  function cleanMissed(list) {
    return Array.isArray(list) ? list.filter(isQuestionId).slice(0, MAX_MISSED) : [];
  }

  /** A stored record made safe to use, or null if it is not a record at all. */
  function cleanRecord(r) {
    if (!isObject(r)) return null;
    return {
      passed: r.passed === true,
      bestScore: isPercent(r.bestScore) ? r.bestScore : 0,
      lastScore: isPercent(r.lastScore) ? r.lastScore : null,
      attempts: typeof r.attempts === "number" && r.attempts >= 0 ? Math.min(Math.floor(r.attempts), MAX_ATTEMPTS) : 0,
      passedAt: isIsoDate(r.passedAt) ? r.passedAt : null,
      updatedAt: isIsoDate(r.updatedAt) ? r.updatedAt : null,
      firstScore: isPercent(r.firstScore) ? r.firstScore : null,
      firstMissed: isPercent(r.firstScore) ? cleanMissed(r.firstMissed) : []
    };
  }

  function cleanAssessment(a) {
    if (!isObject(a) || !isLevel(a.level)) return null;
    return { level: a.level, assessedAt: isIsoDate(a.assessedAt) ? a.assessedAt : null };
  }

  function cleanBox(b) {
    if (!isObject(b) || (b.box !== 1 && b.box !== 2)) return null;
    return { box: b.box, addedAt: isIsoDate(b.addedAt) ? b.addedAt : null, text: typeof b.text === "string" ? b.text.slice(0, MAX_TEXT) : "" };
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
    delete state.seeds[id];
    save();
    return copy(record);
  }

  /** Leitner step for a question asked again in the review: right moves it up a box, twice right takes it out, wrong puts it back in box 1. */
  function reviewAnswer(id, question, correct) {
    var boxes = state.review[id];
    if (!boxes || !boxes[question]) return null;
    var outcome;
    if (!correct) {
      boxes[question].box = 1;
      outcome = "wrong";
    } else if (boxes[question].box >= 2) {
      delete boxes[question];
      if (!Object.keys(boxes).length) delete state.review[id];
      outcome = "done";
    } else {
      boxes[question].box = 2;
      outcome = "again";
    }
    save();
    return outcome;
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
    if (state.seeds[id]) {
      delete state.seeds[id];
      save();
    }
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

  /** A short, never-throwing description of any JSON value, for messages. */
  function describe(v) {
    try {
      var text = typeof v === "string" ? v : JSON.stringify(v);
      return String(text === undefined ? typeof v : text).slice(0, 40);
    } catch (e) {
      return "?";
    }
  }

  function fieldError(field) {
    return format(strings.import_reason_field || "{field}", { field: field });
  }

  /** Strict check of an exported file (schema 1 or 2): null when fine, else why not (Japanese). */
  function validate(obj) {
    if (!isObject(obj) || obj.format !== FORMAT) return strings.import_reason_format || "format";
    if (obj.schema !== 1 && obj.schema !== SCHEMA) {
      return format(strings.import_reason_schema || "schema {schema}", { schema: describe(obj.schema) });
    }
    if (obj.site !== undefined && !isObject(obj.site)) return fieldError("site");
    if (obj.exportedAt !== undefined && !isIsoDate(obj.exportedAt)) return fieldError("exportedAt");
    if (obj.learner !== undefined) {
      if (!isObject(obj.learner)) return fieldError("learner");
      for (var i = 0; i < LEARNER_FIELDS.length; i++) {
        var v = obj.learner[LEARNER_FIELDS[i]];
        if (v !== undefined && v !== null && (typeof v !== "string" || v.length > MAX_TEXT)) {
          return fieldError("learner." + LEARNER_FIELDS[i]);
        }
      }
      if (obj.learner.role && !isSafeId(obj.learner.role)) return fieldError("learner.role");
    }
    if (!isObject(obj.modules)) return fieldError("modules");
    return mapError(obj.modules, "modules", recordError) ||
      (obj.selfAssessment === undefined ? null : mapError(obj.selfAssessment, "selfAssessment", assessmentError));
  }

  /** The first problem of a map of records: its size, a key or a record. */
  function mapError(map, name, recordProblem) {
    if (!isObject(map)) return fieldError(name);
    var ids = Object.keys(map);
    if (ids.length > MAX_MODULES) return fieldError(name);
    for (var j = 0; j < ids.length; j++) {
      if (!isSafeId(ids[j])) {
        return format(strings.import_reason_id || "{id}", { id: describe(ids[j]) });
      }
      var problem = recordProblem(map[ids[j]]);
      if (problem) return fieldError(name + "." + ids[j] + "." + problem);
    }
    return null;
  }

  function isOptional(v, test) {
    return v === undefined || v === null || test(v);
  }

  /** The first bad field of an imported module record, or null. */
  function recordError(r) {
    if (!isObject(r)) return "record";
    if (typeof r.passed !== "boolean") return "passed";
    if (!isPercent(r.bestScore)) return "bestScore";
    if (!isOptional(r.lastScore, isPercent)) return "lastScore";
    if (typeof r.attempts !== "number" || Math.floor(r.attempts) !== r.attempts || r.attempts < 0 || r.attempts > MAX_ATTEMPTS) {
      return "attempts";
    }
    if (!isOptional(r.passedAt, isIsoDate)) return "passedAt";
    if (!isOptional(r.updatedAt, isIsoDate)) return "updatedAt";
    if (!isOptional(r.firstScore, isPercent)) return "firstScore";
    var missedOk = function (list) {
      return Array.isArray(list) && list.length <= MAX_MISSED && list.every(isQuestionId);
    };
    if (!isOptional(r.firstMissed, missedOk)) return "firstMissed";
    return null;
  }

  function assessmentError(a) {
    if (!isObject(a)) return "record";
    if (!isLevel(a.level)) return "level";
    if (!isOptional(a.assessedAt, isIsoDate)) return "assessedAt";
    return null;
  }

  /**
   * Field-wise merge that keeps the better result: passed wins, the higher best
   * score wins, the earliest pass date and the larger attempt count are kept,
   * the latest attempt supplies lastScore/updatedAt; the first attempt's score
   * and misses are kept where known (here first). Importing the same file
   * twice therefore changes nothing the second time.
   */
  function merge(a, b) {
    if (!a) return b;
    var newer = (b.updatedAt || "") > (a.updatedAt || "") ? b : a;
    var dates = [a.passedAt, b.passedAt].filter(Boolean).sort();
    var first = a.firstScore !== null ? a : b;
    return {
      passed: a.passed || b.passed,
      bestScore: Math.max(a.bestScore, b.bestScore),
      lastScore: newer.lastScore,
      attempts: Math.max(a.attempts, b.attempts),
      passedAt: a.passed || b.passed ? dates[0] || null : null,
      updatedAt: newer.updatedAt,
      firstScore: first.firstScore,
      firstMissed: first.firstMissed.slice()
    };
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

  /** Replaces {name} placeholders; shared with the other scripts through kenshuStore.format. */
  function format(template, values) {
    return String(template).replace(/\{(\w+)\}/g, function (all, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : all;
    });
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
    review: function () {
      return copy(state.review);
    },
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
