/*
 * search-index.js — the search engine behind search.js: folding and cutting
 * queries, loading the index, ranking, snippets. No DOM work beyond adding
 * the index's <script> files.
 *
 * Index (written by src/search/, files under <root>assets/search/):
 *   meta.js   kenshuSearchData.meta = {version: 2, shards, docCount,
 *               kinds: [[kind, first, end], ...], lengths: "one char per doc",
 *               synonyms: [[folded word, ...], ...]}
 *   idx-N.js  kenshuSearchData["idx-N"] = {token: "postings", ...}
 *   doc-N.js  kenshuSearchData["doc-N"] = [url, title, kind, summary,
 *               [[anchor, heading, text], ...]]
 * Files are plain scripts added with <script src> when first needed, so search
 * works from file:// and under Content-Security-Policy: default-src 'self'.
 * meta.js is loaded when a search box gets focus (prepare), and what ranking
 * needs per document is worked out then, before the first query.
 * Needs ui.js (kenshuUI.nfkc), loaded before it.
 *
 * Folding and tokens are exactly src/search/tokens.rs: NFKC, lower case, a
 * ー that ends a kana word left out (セキュリティー = セキュリティ, サーバー室 =
 * サーバ室; longVowels), katakana to hiragana; runs of letters/digits
 * (Rust's char::is_alphanumeric is \p{Alphabetic}|\p{N}) cut into bigrams,
 * then the unigrams of the run's ideographs; a one-character run is its own
 * token. Both sides check the cases in tests/fixtures/search-tokens.json.
 *
 * Postings (src/search/index.rs): base-32 digits in base64url characters, a
 * digit >= 32 means more follow; each number is delta*16 + weight, weight =
 * 8 if in the title + the body count (headings count twice), at most 7.
 *
 * Matching: the query is split at spaces into words; a document must hold
 * every query token (src/search/tokens.rs `query_tokens`) of each word. A
 * word of synonym group N looks up the group's own list, token "~N" (the
 * documents holding any word of the group). Ranking: BM25 (k1 1.2, b 0.75, lengths relative to
 * the average of the document's kind) over the body counts plus
 * TITLE_BONUS × idf for each token in the title, averaged over the
 * word's tokens and summed over the words; then modules, skills,
 * pages, resources; then index order.
 *
 * Snippets: the section (text under a heading) where most words occur, cut
 * around the first occurrence (folded alike, so セキュリティー marks
 * セキュリティ, and a match runs on over a ー after it); the result links to
 * that heading's anchor. When the title holds every word, the result links
 * to the page itself (no anchor, no heading) and quotes its summary if the
 * summary has a match.
 *
 * window.kenshuSearch = {
 *   query(text, limit = 8, onProgress) → Promise<[result]> with .total
 *     (onProgress([first results] with .total) while doc files still load),
 *     where result =
 *     {url, href (with the section's #anchor, none for a title match),
 *      title, kind, summary, score, doc, anchor, heading, snippet: [{text, mark}]},
 *   tokens(text), queryTokens(text), normalize(text), shardOf(token, shards),
 *   tooShort(text) }
 */
(function () {
  "use strict";

  var root = (document.body && document.body.getAttribute("data-root")) || "";
  var LETTER = /[\p{Alphabetic}\p{N}]/u;
  var COMBINING = /[\p{M}\uff9e\uff9f]/u;
  var LOW_SURROGATE = /[\udc00-\udfff]/;
  var DIGITS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  var DIGIT_VALUE = (function () {
    var table = new Int8Array(128).fill(-1);
    for (var i = 0; i < DIGITS.length; i++) table[DIGITS.charCodeAt(i)] = i;
    return table;
  })();
  var KIND_ORDER = { module: 0, skill: 1, page: 2, resource: 3 };
  var K1 = 1.2;
  var B = 0.75;
  var TITLE_BONUS = 2;
  var SNIPPET_BEFORE = 30;
  var SNIPPET_LENGTH = 110;
  var loading = {};
  var decoded = {};

  /* ---------- folding and tokens (mirror of src/search/tokens.rs) ---------- */

  function foldKana(c) {
    var code = c.codePointAt(0);
    if ((code >= 0x30a1 && code <= 0x30f6) || code === 0x30fd || code === 0x30fe) {
      return String.fromCodePoint(code - 0x60);
    }
    return c;
  }

  var LONG_VOWEL = "\u30fc";
  var HIRAGANA = 1;
  var KATAKANA = 2;

  /** The kana script of a character before folding: src/search/tokens.rs `kana_of`. */
  function kanaOf(c) {
    var code = c.codePointAt(0);
    if ((code >= 0x3041 && code <= 0x3096) || (code >= 0x309d && code <= 0x309f)) return HIRAGANA;
    if ((code >= 0x30a1 && code <= 0x30fa) || (code >= 0x30fd && code <= 0x30ff) || (code >= 0x31f0 && code <= 0x31ff)) {
      return KATAKANA;
    }
    return 0;
  }

  /**
   * src/search/tokens.rs `LongVowels`: fed the NFKC-lowercased characters
   * one by one (katakana not yet folded), the returned function holds back
   * each run of ー after kana and returns, for each other character, how
   * many of them come back before it: all when it is kana of the same
   * script (マイナンバーカード), none when the word ended there
   * (セキュリティーの, サーバー室); null for a ー held back. What is held at
   * the end is dropped.
   */
  function longVowels() {
    var script = 0;
    var held = 0;
    return function (c) {
      if (c === LONG_VOWEL && script) {
        held++;
        return null;
      }
      var next = kanaOf(c);
      var kept = next === script ? held : 0;
      held = 0;
      script = next;
      return kept;
    };
  }

  /** NFKC, lower case, a ー ending a kana word left out, katakana to hiragana: src/search/tokens.rs `normalize`. */
  function normalize(text) {
    var marks = longVowels();
    var out = "";
    Array.from(window.kenshuUI.nfkc(text).toLowerCase()).forEach(function (c) {
      var kept = marks(c);
      if (kept !== null) out += LONG_VOWEL.repeat(kept) + foldKana(c);
    });
    return out;
  }

  function isIdeograph(c) {
    var code = c.codePointAt(0);
    return (code >= 0x3400 && code <= 0x4dbf) || (code >= 0x4e00 && code <= 0x9fff) ||
      (code >= 0xf900 && code <= 0xfaff) || (code >= 0x20000 && code <= 0x3ffff);
  }

  /**
   * The tokens of a text, as src/search/tokens.rs `tokens` makes them; with
   * `query` set, as its `query_tokens` does: without the unigrams of runs
   * longer than one character (their bigrams already say more).
   */
  function tokens(text, query) {
    var out = [];
    var run = [];
    var flush = function () {
      if (run.length === 1) out.push(run[0]);
      if (run.length > 1) {
        for (var i = 0; i + 1 < run.length; i++) out.push(run[i] + run[i + 1]);
        if (!query) run.filter(isIdeograph).forEach(function (c) { out.push(c); });
      }
      run = [];
    };
    Array.from(normalize(text)).forEach(function (c) {
      if (LETTER.test(c)) run.push(c);
      else flush();
    });
    flush();
    return out;
  }

  function queryTokens(text) {
    return tokens(text, true);
  }

  /** FNV-1a 32-bit over code points, modulo shards: src/search/tokens.rs `shard_of`. */
  function shardOf(token, shards) {
    var h = 0x811c9dc5;
    Array.from(token).forEach(function (c) {
      h ^= c.codePointAt(0);
      h = Math.imul(h, 0x01000193) >>> 0;
    });
    return h % shards;
  }

  /** Too short to search: no kanji and fewer than two letters or digits. */
  function tooShort(text) {
    var letters = Array.from(normalize(text)).filter(function (c) { return LETTER.test(c); });
    return letters.length < 2 && !letters.some(isIdeograph);
  }

  function unique(list) {
    return list.filter(function (x, i, all) { return all.indexOf(x) === i; });
  }

  function flat(lists) {
    return [].concat.apply([], lists);
  }

  /* ---------- loading ---------- */

  /** Loads assets/search/<name>.js once; resolves with its data. */
  function load(name) {
    var data = window.kenshuSearchData || {};
    if (data[name]) return Promise.resolve(data[name]);
    if (!loading[name]) {
      loading[name] = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = root + "assets/search/" + name + ".js";
        script.async = true;
        script.onload = function () {
          var loaded = (window.kenshuSearchData || {})[name];
          if (loaded) resolve(loaded);
          else reject(new Error(name));
        };
        script.onerror = function () {
          delete loading[name];
          reject(new Error(name));
        };
        document.head.appendChild(script);
      });
    }
    return loading[name];
  }

  /** A token's postings as {docs, weights}; empty when the index lacks it. */
  function postings(meta, token) {
    if (decoded[token]) return Promise.resolve(decoded[token]);
    return load("idx-" + shardOf(token, meta.shards)).then(function (shard) {
      var text = Object.prototype.hasOwnProperty.call(shard, token) ? shard[token] : "";
      decoded[token] = decode(text);
      return decoded[token];
    });
  }

  function decode(text) {
    var docs = new Int32Array(text.length);
    var weights = new Uint8Array(text.length);
    var count = 0;
    var doc = 0;
    var value = 0;
    for (var i = 0; i < text.length; i++) {
      var digit = DIGIT_VALUE[text.charCodeAt(i) & 127];
      value = value * 32 + (digit & 31);
      if (digit >= 32) continue;
      doc += Math.floor(value / 16);
      docs[count] = doc;
      weights[count++] = value % 16;
      value = 0;
    }
    return { docs: docs.subarray(0, count), weights: weights.subarray(0, count) };
  }

  /* ---------- matching and ranking ---------- */

  /**
   * The query's words: each with the texts it stands for (itself, and the
   * other words of its synonym group) and the tokens to look up: the
   * group's own list `~N` for a word of group N, else its query tokens.
   */
  function words(meta, text) {
    return unique(normalize(text).split(/\s+/).filter(Boolean)).map(function (word) {
      var groups = meta.synonyms || [];
      for (var g = 0; g < groups.length; g++) {
        if (groups[g].indexOf(word) >= 0) return { texts: unique([word].concat(groups[g])), tokens: ["~" + g] };
      }
      return { texts: [word], tokens: unique(queryTokens(word)) };
    }).filter(function (w) { return w.tokens.length; });
  }

  /**
   * What ranking needs per document, worked out once when meta.js arrives
   * (the box loads it on focus) rather than on the first query:
   *   norm[d]  BM25's K1 × (1 − B + B × length / average length of the
   *            document's kind): skills and resources are a few lines,
   *            modules pages long, and each is measured against its own kind;
   *   rank[d]  the kind's place in KIND_ORDER, for ties.
   * Lengths are one base64url digit v per document, standing for 2^(v/4) − 1.
   */
  function prepareMeta(meta) {
    if (meta.norm) return meta;
    var n = meta.docCount;
    var relative = new Float64Array(n);
    var norm = new Float64Array(n);
    var rank = new Uint8Array(n).fill(9);
    var lengthOf = new Float64Array(DIGITS.length);
    for (var v = 0; v < DIGITS.length; v++) lengthOf[v] = Math.pow(2, v / 4) - 1;
    (meta.kinds || [["", 0, n]]).forEach(function (k) {
      var sum = 0;
      var d;
      for (d = k[1]; d < k[2]; d++) {
        var code = meta.lengths.charCodeAt(d);
        relative[d] = lengthOf[Math.max(0, code < 128 ? DIGIT_VALUE[code] : -1)];
        sum += relative[d];
      }
      var average = sum / Math.max(1, k[2] - k[1]) || 1;
      var order = Object.prototype.hasOwnProperty.call(KIND_ORDER, k[0]) ? KIND_ORDER[k[0]] : 9;
      for (d = k[1]; d < k[2]; d++) {
        norm[d] = K1 * (1 - B + B * (relative[d] / average));
        rank[d] = order;
      }
    });
    meta.norm = norm;
    meta.rank = rank;
    return meta;
  }

  /**
   * BM25 scores of the documents that hold every token list (others NaN),
   * averaged over the tokens so that words of different lengths weigh alike.
   */
  function scoreAlternative(meta, lists) {
    var n = meta.docCount;
    var norm = meta.norm;
    var scores = new Float64Array(n);
    var counts = new Uint16Array(n);
    lists.forEach(function (list) {
      var idf = Math.log(1 + (n - list.docs.length + 0.5) / (list.docs.length + 0.5));
      for (var i = 0; i < list.docs.length; i++) {
        var d = list.docs[i];
        var tf = list.weights[i] & 7;
        scores[d] += idf * (tf * (K1 + 1) / (tf + norm[d]) + (list.weights[i] & 8 ? TITLE_BONUS : 0));
        counts[d]++;
      }
    });
    for (var d = 0; d < n; d++) scores[d] = counts[d] === lists.length ? scores[d] / lists.length : NaN;
    return scores;
  }

  /** Scores per document, summed over the words. */
  function scoreWords(meta, wordLists) {
    if (wordLists.length === 1) return scoreAlternative(meta, wordLists[0]);
    var total = new Float64Array(meta.docCount);
    wordLists.forEach(function (lists) {
      var scores = scoreAlternative(meta, lists);
      for (var d = 0; d < total.length; d++) total[d] += scores[d];
    });
    return total;
  }

  /** Whether document `doc` with `score` ranks before `hit`. */
  function before(meta, doc, score, hit) {
    if (score !== hit.score) return score > hit.score;
    var a = meta.rank[doc];
    var b = meta.rank[hit.doc];
    return a !== b ? a < b : doc < hit.doc;
  }

  /** The best `limit` documents, best first, and how many matched. */
  function top(meta, scores, limit) {
    var best = [];
    var count = 0;
    for (var d = 0; d < scores.length; d++) {
      var score = scores[d];
      if (isNaN(score)) continue;
      count++;
      if (best.length === limit && !before(meta, d, score, best[limit - 1])) continue;
      var i = best.length === limit ? limit - 1 : best.length;
      for (; i > 0 && before(meta, d, score, best[i - 1]); i--) best[i] = best[i - 1];
      best[i] = { doc: d, score: score };
    }
    return { hits: best, count: count };
  }

  /** The best `limit` documents of a query, the count, and its words. */
  function match(text, limit) {
    return load("meta").then(prepareMeta).then(function (meta) {
      var query = words(meta, text);
      return Promise.all(query.map(function (word) {
        return Promise.all(word.tokens.map(function (t) { return postings(meta, t); }));
      })).then(function (wordLists) {
        var found = query.length ? top(meta, scoreWords(meta, wordLists), limit) : { hits: [], count: 0 };
        found.words = query;
        return found;
      });
    });
  }

  /* ---------- snippets ---------- */

  /**
   * NFKC and lower case of one character and the combining marks after it,
   * without calling normalize for what snippets mostly hold (ASCII, kana,
   * common kanji).
   */
  function plain(segment) {
    var code = segment.length === 1 ? segment.charCodeAt(0) : -1;
    if (code >= 0 && code < 0x80) return code >= 65 && code <= 90 ? String.fromCharCode(code + 32) : segment;
    if ((code >= 0x3041 && code <= 0x3096) || (code >= 0x30a1 && code <= 0x30f6) || code === 0x30fc ||
      (code >= 0x4e00 && code <= 0x9fff)) {
      return segment;
    }
    return window.kenshuUI.nfkc(segment).toLowerCase();
  }

  /**
   * Folds a text like normalize, keeping where each folded character came
   * from: a character and the combining marks after it fold together, and
   * a ー left out at the end of a word folds into the character before it.
   */
  function foldMap(text) {
    var chars = Array.from(text);
    var out = { text: "", starts: [], ends: [] };
    var marks = longVowels();
    var held = []; // [start, end) of each ー held back
    var put = function (c, start, end) {
      out.text += c;
      for (var k = 0; k < c.length; k++) {
        out.starts.push(start);
        out.ends.push(end);
      }
    };
    var settle = function (kept) {
      if (kept) held.forEach(function (h) { put(LONG_VOWEL, h[0], h[1]); });
      else if (held.length && out.ends.length) out.ends[out.ends.length - 1] = held[held.length - 1][1];
      held = [];
    };
    var offset = 0;
    for (var i = 0; i < chars.length;) {
      var segment = chars[i];
      for (i++; i < chars.length && COMBINING.test(chars[i]); i++) segment += chars[i];
      var start = offset;
      offset += segment.length;
      Array.from(plain(segment)).forEach(function (c) {
        var kept = marks(c);
        if (kept === null) {
          held.push([start, offset]);
          return;
        }
        settle(kept);
        put(foldKana(c), start, offset);
      });
    }
    settle(0);
    return out;
  }

  /**
   * Where the terms occur in a folded text: [[start, end)] in the original,
   * a match running on over the ー right after it (マイナンバ marks マイナンバー).
   */
  function find(map, terms) {
    var ranges = [];
    terms.forEach(function (term) {
      for (var at = map.text.indexOf(term); at >= 0; at = map.text.indexOf(term, at + term.length)) {
        var last = at + term.length - 1;
        while (map.text.charAt(last + 1) === LONG_VOWEL) last++;
        ranges.push([map.starts[at], map.ends[last]]);
      }
    });
    return ranges;
  }

  /** Per word, the terms to mark: its texts, or their tokens if none occurs. */
  function terms(maps, words) {
    return words.map(function (word) {
      var present = maps.some(function (map) {
        return word.texts.some(function (t) { return map.text.indexOf(t) >= 0; });
      });
      return present ? word.texts : flat(word.texts.map(queryTokens));
    });
  }

  /** The section with the most words found, then the most occurrences. */
  function bestSection(sections, words) {
    var maps = sections.map(function (s) { return foldMap(s[2]); });
    var wanted = terms(maps, words);
    var best = null;
    maps.forEach(function (map, i) {
      var found = wanted.map(function (list) { return find(map, list); });
      var score = found.filter(function (r) { return r.length; }).length * 1000 +
        found.reduce(function (n, r) { return n + r.length; }, 0);
      if (score > 0 && (!best || score > best.score)) {
        best = { score: score, section: sections[i], ranges: flat(found) };
      }
    });
    return best;
  }

  /** A stretch of text around the first match, as [{text, mark}]. */
  function snippetParts(text, ranges) {
    ranges = ranges.slice().sort(function (a, b) { return a[0] - b[0] || b[1] - a[1]; });
    var start = ranges.length ? Math.max(0, ranges[0][0] - SNIPPET_BEFORE) : 0;
    if (start > 0 && LOW_SURROGATE.test(text[start])) start--;
    var end = Math.min(text.length, start + SNIPPET_LENGTH);
    if (end < text.length && LOW_SURROGATE.test(text[end])) end++;
    var parts = [];
    var at = start;
    ranges.forEach(function (r) {
      var from = Math.max(r[0], at);
      var to = Math.min(r[1], end);
      if (to <= from) return;
      if (from > at) parts.push({ text: text.slice(at, from), mark: false });
      parts.push({ text: text.slice(from, to), mark: true });
      at = to;
    });
    if (at < end) parts.push({ text: text.slice(at, end), mark: false });
    if (start > 0) parts.unshift({ text: "…", mark: false });
    if (end < text.length) parts.push({ text: "…", mark: false });
    return parts;
  }

  /** Whether the title holds every word of the query (or a synonym of it). */
  function inTitle(title, words) {
    var folded = normalize(title);
    return words.every(function (word) {
      return word.texts.some(function (t) { return folded.indexOf(t) >= 0; });
    });
  }

  /** The summary as a section without anchor or heading, with where the words occur in it. */
  function summarySection(summary, words) {
    var map = foldMap(summary);
    var ranges = flat(terms([map], words).map(function (list) { return find(map, list); }));
    return { section: ["", "", summary], ranges: ranges };
  }

  /**
   * What a result quotes and links to: the section where the words occur
   * most (else the summary); but when the title holds them all, the page
   * itself, quoting its summary if that has a match (else that section).
   */
  function quoted(row, words) {
    var best = bestSection(row[4] || [], words);
    var summary = summarySection(row[3] || "", words);
    if (!inTitle(row[1], words)) return best || summary;
    if (summary.ranges.length || !best) return summary;
    return { section: ["", "", best.section[2]], ranges: best.ranges };
  }

  /** A result: the document's details, and the snippet of what it links to. */
  function describe(hit, row, words) {
    var quote = quoted(row, words);
    var anchor = quote.section[0];
    return {
      url: row[0], href: root + row[0] + (anchor ? "#" + anchor : ""), title: row[1], kind: row[2],
      summary: row[3] || "", score: hit.score, doc: hit.doc, anchor: anchor,
      heading: quote.section[1],
      snippet: snippetParts(quote.section[2], quote.ranges)
    };
  }

  /* ---------- the query ---------- */

  /**
   * The best `limit` results. Each needs its doc file; `onProgress`, if
   * given, is called with the first results in rank order whenever more of
   * them are ready and some are still loading, so a list can show the best
   * hits before the last doc file arrives.
   */
  function query(text, limit, onProgress) {
    return match(text, limit || 8).then(function (found) {
      var results = [];
      var ready = 0;
      function arrived(i, result) {
        results[i] = result;
        var before = ready;
        while (ready < found.hits.length && results[ready]) ready++;
        if (onProgress && ready > before && ready < found.hits.length) {
          var first = results.slice(0, ready);
          first.total = found.count;
          onProgress(first);
        }
      }
      return Promise.all(found.hits.map(function (hit, i) {
        return load("doc-" + hit.doc).then(function (row) { arrived(i, describe(hit, row, found.words)); });
      })).then(function () {
        results.total = found.count;
        return results;
      });
    });
  }

  window.kenshuSearch = {
    query: query,
    /** Starts loading the index's meta file (the box calls it on focus). */
    prepare: function () { load("meta").then(prepareMeta).catch(function () {}); },
    tokens: tokens,
    queryTokens: queryTokens,
    normalize: normalize,
    shardOf: shardOf,
    tooShort: tooShort
  };
})();
