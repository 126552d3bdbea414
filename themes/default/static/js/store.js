/*
 * store.js — the learner's progress, kept in this browser (localStorage).
 *
 * Loaded with `defer` on every page, after assets/site-config.js (which sets
 * window.KENSHU = {progressKey, siteTitle, organization, strings}).
 *
 * Public API: window.kenshuStore
 *   available            false when localStorage cannot be written (the data
 *                        then lives in memory for this page only)
 *   key                  the localStorage key (window.KENSHU.progressKey)
 *   get()                a copy of the whole state (schema below)
 *   module(id)           a copy of one module's record, or null
 *   status(id)           "passed" | "attempted" | "none"
 *   recordAttempt(id, score, passed)  score = integer percent 0..100;
 *                        keeps the best score, counts the attempt, returns the record
 *   learner()            {name, staffNumber, department}
 *   setLearner(fields)   saves the given learner fields (strings)
 *   exportData()         the export object (see docs/progress-format.md)
 *   exportFile()         downloads exportData() as a .json file; returns its name
 *   importText(text)     validates and merges an exported file; returns
 *                        {ok: true, count, otherSite, siteTitle} or {ok: false, reason}
 *                        (reason is a Japanese sentence; on failure nothing changes)
 *   validate(object)     null when `object` is a valid export, else the reason
 *   clear()              removes every record and the learner fields
 *   onChange(callback)   calls back after any change, also from another tab
 *
 * Stored state:
 *   {schema: 1, learner: {name, staffNumber, department},
 *    modules: {<moduleId>: {passed, bestScore, lastScore, attempts, passedAt, updatedAt}}}
 * Corrupted or missing storage starts empty and never throws; a corrupted value
 * is copied to "<key>:corrupt" before it is overwritten. Records of module ids
 * the site no longer has are kept (a module may come back) — the pages only
 * ever look up the ids they show.
 *
 * Event: window dispatches "kenshu:progress" after every change.
 */
(function () {
  "use strict";

  var config = window.KENSHU || {};
  var strings = config.strings || {};
  var KEY = config.progressKey || "kenshu:progress";
  var SCHEMA = 1;
  var FORMAT = "kenshu-progress";
  var MAX_FILE_CHARS = 2 * 1024 * 1024;
  var MAX_MODULES = 5000;
  var MAX_TEXT = 200;
  var MAX_ATTEMPTS = 1000000;
  var ID_PATTERN = /^[a-z0-9_-]{1,200}$/;
  var ISO_PATTERN = /^\d{4}-\d{2}-\d{2}(T[0-9:.]+(Z|[+-]\d{2}:?\d{2})?)?$/;
  var LEARNER_FIELDS = ["name", "staffNumber", "department"];

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
    return { schema: SCHEMA, learner: { name: "", staffNumber: "", department: "" }, modules: {} };
  }

  function isObject(v) {
    return v !== null && typeof v === "object" && !Array.isArray(v);
  }

  function isIsoDate(v) {
    return typeof v === "string" && v.length <= 40 && ISO_PATTERN.test(v) && !isNaN(Date.parse(v));
  }

  function isPercent(v) {
    return typeof v === "number" && Math.floor(v) === v && v >= 0 && v <= 100;
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
    if (!isObject(parsed) || parsed.schema !== SCHEMA) {
      backupCorrupt(raw);
      return fresh;
    }
    if (isObject(parsed.learner)) fresh.learner = cleanLearner(parsed.learner);
    if (isObject(parsed.modules)) {
      Object.keys(parsed.modules).forEach(function (id) {
        var record = cleanRecord(parsed.modules[id]);
        if (ID_PATTERN.test(id) && record) fresh.modules[id] = record;
      });
    }
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
    return out;
  }

  /** A stored record made safe to use, or null if it is not a record at all. */
  function cleanRecord(r) {
    if (!isObject(r)) return null;
    var best = isPercent(r.bestScore) ? r.bestScore : 0;
    return {
      passed: r.passed === true,
      bestScore: best,
      lastScore: isPercent(r.lastScore) ? r.lastScore : null,
      attempts: typeof r.attempts === "number" && r.attempts >= 0 ? Math.min(Math.floor(r.attempts), MAX_ATTEMPTS) : 0,
      passedAt: isIsoDate(r.passedAt) ? r.passedAt : null,
      updatedAt: isIsoDate(r.updatedAt) ? r.updatedAt : null
    };
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

  function recordAttempt(id, score, passed) {
    var now = new Date().toISOString();
    var old = state.modules[id] || cleanRecord({});
    var pct = Math.max(0, Math.min(100, Math.floor(Number(score) || 0)));
    var record = {
      passed: old.passed || !!passed,
      bestScore: Math.max(old.bestScore, pct),
      lastScore: pct,
      attempts: Math.min(old.attempts + 1, MAX_ATTEMPTS),
      passedAt: old.passedAt || (passed ? now : null),
      updatedAt: now
    };
    state.modules[id] = record;
    save();
    return copy(record);
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
    save();
  }

  function exportData() {
    return {
      format: FORMAT,
      schema: SCHEMA,
      site: { title: config.siteTitle || "", organization: config.organization || "", key: KEY },
      exportedAt: new Date().toISOString(),
      learner: copy(state.learner),
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

  function fieldError(field) {
    return format(strings.import_reason_field || "{field}", { field: field });
  }

  /** Strict check of an exported file: null when fine, else why not (Japanese). */
  function validate(obj) {
    if (!isObject(obj) || obj.format !== FORMAT) return strings.import_reason_format || "format";
    if (obj.schema !== SCHEMA) {
      return format(strings.import_reason_schema || "schema {schema}", { schema: String(obj.schema) });
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
    }
    if (!isObject(obj.modules)) return fieldError("modules");
    var ids = Object.keys(obj.modules);
    if (ids.length > MAX_MODULES) return fieldError("modules");
    for (var j = 0; j < ids.length; j++) {
      if (!ID_PATTERN.test(ids[j])) return fieldError("modules." + ids[j].slice(0, 40));
      var problem = recordError(obj.modules[ids[j]]);
      if (problem) return fieldError("modules." + ids[j] + "." + problem);
    }
    return null;
  }

  /** The first bad field of an imported record, or null. */
  function recordError(r) {
    if (!isObject(r)) return "record";
    if (typeof r.passed !== "boolean") return "passed";
    if (!isPercent(r.bestScore)) return "bestScore";
    if (r.lastScore !== undefined && r.lastScore !== null && !isPercent(r.lastScore)) return "lastScore";
    if (typeof r.attempts !== "number" || Math.floor(r.attempts) !== r.attempts || r.attempts < 0 || r.attempts > MAX_ATTEMPTS) {
      return "attempts";
    }
    if (r.passedAt !== undefined && r.passedAt !== null && !isIsoDate(r.passedAt)) return "passedAt";
    if (r.updatedAt !== undefined && r.updatedAt !== null && !isIsoDate(r.updatedAt)) return "updatedAt";
    return null;
  }

  /**
   * Field-wise merge that keeps the better result: passed wins, the higher best
   * score wins, the earliest pass date and the larger attempt count are kept,
   * the latest attempt supplies lastScore/updatedAt. Importing the same file
   * twice therefore changes nothing the second time.
   */
  function merge(a, b) {
    if (!a) return b;
    var newer = (b.updatedAt || "") > (a.updatedAt || "") ? b : a;
    var dates = [a.passedAt, b.passedAt].filter(Boolean).sort();
    return {
      passed: a.passed || b.passed,
      bestScore: Math.max(a.bestScore, b.bestScore),
      lastScore: newer.lastScore,
      attempts: Math.max(a.attempts, b.attempts),
      passedAt: a.passed || b.passed ? dates[0] || null : null,
      updatedAt: newer.updatedAt
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
    exportData: exportData,
    exportFile: exportFile,
    importText: importText,
    validate: validate,
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
