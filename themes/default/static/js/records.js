/*
 * records.js — the rules of a learning record: which ids, dates and scores
 * are valid, how a stored or imported record is cleaned, checked and merged.
 * Pure functions without state, shared by store.js (loaded just before it).
 *
 * Public API: window.kenshuRecords
 *   SCHEMA, FORMAT, MAX_FILE_CHARS, MAX_TEXT, MAX_ATTEMPTS, LEARNER_FIELDS
 *   dict()                  a prototype-free map (Object.create(null))
 *   isObject(v), isSafeId(id), isIsoDate(v), isPercent(v), isLevel(v), isQuestionId(id)
 *   cleanMap(from, clean, keyOk)  a prototype-free copy of the entries that are safe and clean
 *   cleanLearner, cleanRecord, cleanAssessment, cleanBox, cleanMissed
 *                           lenient readers: what cannot be used is dropped
 *   validate(object)        null when `object` is a valid export (schema 1 or 2), else why not (Japanese)
 *   merge(a, b)             two records of one module merged, keeping the better result
 *   format(template, values)  {name} placeholders
 * Ids (module, skill, role): NFC, 1..200 chars, no / \ ? # % : * " < > | or
 * control characters, not "." or "..", not ending in a dot or a space, and
 * never an Object.prototype name or "prototype" (docs/progress-format.md).
 */
(function () {
  "use strict";

  var config = window.KENSHU || {};
  var strings = config.strings || {};
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

  /** A map without a prototype: no key can reach Object.prototype. */
  function dict() {
    return Object.create(null);
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
    var out = { box: b.box, addedAt: isIsoDate(b.addedAt) ? b.addedAt : null, text: typeof b.text === "string" ? b.text.slice(0, MAX_TEXT) : "" };
    if (b.box === 2 && isIsoDate(b.dueAt)) out.dueAt = b.dueAt;
    return out;
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

  /** Replaces {name} placeholders (a missing template is ""); shared with the other scripts through kenshuStore.format. */
  function format(template, values) {
    return String(template == null ? "" : template).replace(/\{(\w+)\}/g, function (all, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : all;
    });
  }

  window.kenshuRecords = {
    SCHEMA: SCHEMA,
    FORMAT: FORMAT,
    MAX_FILE_CHARS: MAX_FILE_CHARS,
    MAX_TEXT: MAX_TEXT,
    MAX_ATTEMPTS: MAX_ATTEMPTS,
    LEARNER_FIELDS: LEARNER_FIELDS,
    dict: dict,
    isObject: isObject,
    isSafeId: isSafeId,
    isIsoDate: isIsoDate,
    isPercent: isPercent,
    isLevel: isLevel,
    isQuestionId: isQuestionId,
    cleanMap: cleanMap,
    cleanLearner: cleanLearner,
    cleanRecord: cleanRecord,
    cleanAssessment: cleanAssessment,
    cleanBox: cleanBox,
    cleanMissed: cleanMissed,
    validate: validate,
    merge: merge,
    format: format
  };
})();
