/*
 * search.js — site search: the header box on every page and the search page.
 *
 * Index (written by src/search.rs, files under <root>assets/search/):
 *   meta.js    kenshuSearchData.meta = {version, shards, docsPerFile, docCount}
 *   docs-N.js  kenshuSearchData["docs-N"] = [[url, title, kind, summary], ...]
 *   idx-N.js   kenshuSearchData["idx-N"]  = {token: [delta*2 + titleBit, ...]}
 * Files are plain scripts added with <script src> when first needed, so search
 * works from file:// and under Content-Security-Policy: default-src 'self'.
 *
 * Matching: the query is NFKC-normalised and lower-cased, cut into runs of
 * letters/digits, each run into bigrams (a one-character run is its own token)
 * — exactly src/search.rs `tokens` (Rust's char::is_alphanumeric is
 * \p{Alphabetic}|\p{N}). Documents must contain every token (AND); those whose
 * title holds more of the tokens rank first, then modules, skills, pages,
 * resources, then index order.
 *
 * Header box (templates/base.html), an ARIA 1.2 combobox:
 *   input#site-search-input[role=combobox][aria-expanded][aria-activedescendant]
 *   div#site-search-results.site-search__results[hidden]   the popup
 *     p.site-search__message        visible hint (aria-hidden; the status says it)
 *     div#site-search-listbox[role=listbox] > div.site-search__option[role=option]
 *         [data-href] [aria-selected]; the last option (.site-search__option--all)
 *         opens the search page.
 *   p#site-search-status[role=status]  (visually hidden) count / hints
 *   Typing (debounced 150 ms) shows up to 8 results; ArrowDown/ArrowUp move,
 *   Enter opens the active option (or submits the form to search/index.html?q=),
 *   Escape closes (a second Escape clears), Tab or leaving the box closes.
 *
 * Search page (templates/search.html): input#search-page-input prefilled from
 *   ?q=, results in ol.search-page__results > li.search-result
 *   (a.search-result__title, span.search-result__kind, p.search-result__summary),
 *   count in p.search-page__status[role=status]; updates as you type.
 *
 * Testing hook: window.kenshuSearch = {
 *   query(text) → Promise<[{url, href, title, kind, summary, titleMatches, doc}]>,
 *   tokens(text) → [string], shardOf(token, shards) → integer }
 */
(function () {
  "use strict";

  var strings = (window.KENSHU && window.KENSHU.strings) || {};
  var root = (document.body && document.body.getAttribute("data-root")) || "";
  var LETTER = /[\p{Alphabetic}\p{N}]/u;
  var KIND_ORDER = { module: 0, skill: 1, page: 2, resource: 3 };
  var POPUP_LIMIT = 8;
  var PAGE_LIMIT = 200;
  var loading = {};

  function fill(template, values) {
    return String(template || "").replace(/\{(\w+)\}/g, function (all, name) {
      return name in values ? String(values[name]) : all;
    });
  }

  function normalize(text) {
    var s = String(text);
    return (s.normalize ? s.normalize("NFKC") : s).toLowerCase();
  }

  /** The tokens of a text, as src/search.rs `tokens` makes them. */
  function tokens(text) {
    var out = [];
    var run = [];
    var flush = function () {
      if (run.length === 1) out.push(run[0]);
      for (var i = 0; i + 1 < run.length; i++) out.push(run[i] + run[i + 1]);
      run = [];
    };
    Array.from(normalize(text)).forEach(function (c) {
      if (LETTER.test(c)) run.push(c);
      else flush();
    });
    flush();
    return out;
  }

  /** FNV-1a 32-bit over code points, modulo shards — must equal Rust's shard_of. */
  function shardOf(token, shards) {
    var h = 0x811c9dc5;
    Array.from(token).forEach(function (c) {
      h ^= c.codePointAt(0);
      h = Math.imul(h, 0x01000193) >>> 0;
    });
    return h % shards;
  }

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

  /** Document numbers (→ how many tokens are in the title) that contain every token. */
  function intersect(lists) {
    var hits = null;
    lists.forEach(function (list) {
      var here = {};
      var doc = 0;
      (list || []).forEach(function (value) {
        doc += Math.floor(value / 2);
        here[doc] = value % 2;
      });
      if (hits === null) {
        hits = here;
        return;
      }
      var next = {};
      Object.keys(hits).forEach(function (d) {
        if (d in here) next[d] = hits[d] + here[d];
      });
      hits = next;
    });
    return hits || {};
  }

  function query(text) {
    var unique = tokens(text).filter(function (t, i, all) {
      return all.indexOf(t) === i;
    });
    if (!unique.length) return Promise.resolve([]);
    return load("meta").then(function (meta) {
      return Promise.all(unique.map(function (t) {
        return load("idx-" + shardOf(t, meta.shards)).then(function (shard) {
          return Object.prototype.hasOwnProperty.call(shard, t) ? shard[t] : [];
        });
      })).then(function (lists) {
        var hits = intersect(lists);
        var docs = Object.keys(hits).map(Number);
        var files = docs.map(function (d) { return Math.floor(d / meta.docsPerFile); })
          .filter(function (f, i, all) { return all.indexOf(f) === i; });
        return Promise.all(files.map(function (f) { return load("docs-" + f); })).then(function () {
          return rank(docs.map(function (d) {
            var row = window.kenshuSearchData["docs-" + Math.floor(d / meta.docsPerFile)][d % meta.docsPerFile] || [];
            return {
              url: row[0], href: root + row[0], title: row[1], kind: row[2],
              summary: row[3] || "", titleMatches: hits[d], doc: d
            };
          }).filter(function (r) { return r.url; }));
        });
      });
    });
  }

  function rank(results) {
    return results.sort(function (a, b) {
      return b.titleMatches - a.titleMatches ||
        kindOrder(a.kind) - kindOrder(b.kind) ||
        a.doc - b.doc;
    });
  }

  function kindOrder(kind) {
    return Object.prototype.hasOwnProperty.call(KIND_ORDER, kind) ? KIND_ORDER[kind] : 9;
  }

  /** Too short to search: fewer than two letters or digits in total. */
  function tooShort(text) {
    return Array.from(normalize(text)).filter(function (c) { return LETTER.test(c); }).length < 2;
  }

  function kindLabel(kind) {
    return (strings.search_kinds && strings.search_kinds[kind]) || kind;
  }

  function debounce(fn, ms) {
    var timer = null;
    return function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(fn, ms);
    };
  }

  function searchPageUrl(text) {
    return root + "search/index.html?q=" + encodeURIComponent(text);
  }

  /* ---------- header combobox ---------- */

  function setupHeader() {
    var input = document.getElementById("site-search-input");
    var popup = document.getElementById("site-search-results");
    var listbox = document.getElementById("site-search-listbox");
    var status = document.getElementById("site-search-status");
    if (!input || !popup || !listbox) return;
    var message = popup.querySelector(".site-search__message");
    var active = -1;
    var sequence = 0;

    function options() {
      return listbox.querySelectorAll("[role=option]");
    }

    function close() {
      popup.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function open() {
      popup.hidden = false;
      input.setAttribute("aria-expanded", options().length ? "true" : "false");
    }

    function say(text) {
      if (status) status.textContent = text;
      if (message) {
        message.textContent = text;
        message.hidden = !text;
      }
    }

    function setActive(index) {
      var list = options();
      Array.prototype.forEach.call(list, function (o) { o.setAttribute("aria-selected", "false"); });
      active = list.length ? (index + list.length) % list.length : -1;
      if (active < 0) {
        input.removeAttribute("aria-activedescendant");
        return;
      }
      list[active].setAttribute("aria-selected", "true");
      input.setAttribute("aria-activedescendant", list[active].id);
      if (list[active].scrollIntoView) list[active].scrollIntoView({ block: "nearest" });
    }

    function option(id, href, title, kind, extraClass) {
      var o = document.createElement("div");
      o.id = "site-search-option-" + id;
      o.className = "site-search__option" + (extraClass ? " " + extraClass : "");
      o.setAttribute("role", "option");
      o.setAttribute("aria-selected", "false");
      o.setAttribute("data-href", href);
      var t = document.createElement("span");
      t.className = "site-search__title";
      t.textContent = title;
      o.appendChild(t);
      if (kind) {
        var k = document.createElement("span");
        k.className = "site-search__kind";
        k.textContent = kindLabel(kind);
        o.appendChild(document.createTextNode(" "));
        o.appendChild(k);
      }
      return o;
    }

    function show(text, results) {
      listbox.textContent = "";
      active = -1;
      input.removeAttribute("aria-activedescendant");
      results.slice(0, POPUP_LIMIT).forEach(function (r, i) {
        listbox.appendChild(option(i, r.href, r.title, r.kind));
      });
      if (results.length) {
        listbox.appendChild(option("all", searchPageUrl(text),
          fill(strings.search_all, { count: results.length }), null, "site-search__option--all"));
        say(fill(strings.search_results, { count: results.length }));
      } else {
        say(strings.search_no_results);
      }
      open();
    }

    var run = debounce(function () {
      var text = input.value;
      var mine = ++sequence;
      if (!text.trim()) {
        listbox.textContent = "";
        say("");
        close();
        return;
      }
      if (tooShort(text)) {
        listbox.textContent = "";
        say(strings.search_too_short);
        open();
        return;
      }
      query(text).then(function (results) {
        if (mine === sequence) show(text, results);
      }, function () {
        if (mine === sequence) {
          listbox.textContent = "";
          say(strings.search_error);
          open();
        }
      });
    }, 150);

    function go(o) {
      window.location.href = o.getAttribute("data-href");
    }

    input.addEventListener("input", run);
    input.addEventListener("keydown", function (e) {
      var list = options();
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        if (!list.length) return;
        e.preventDefault();
        open();
        setActive(active < 0 && e.key === "ArrowUp" ? -1 : active + (e.key === "ArrowDown" ? 1 : -1));
      } else if (e.key === "Enter" && !popup.hidden && active >= 0 && list[active]) {
        e.preventDefault();
        go(list[active]);
      } else if (e.key === "Escape") {
        if (!popup.hidden) {
          e.preventDefault();
          close();
        }
      } else if (e.key === "Tab") {
        close();
      }
    });
    input.addEventListener("focus", function () {
      if (listbox.textContent || (message && message.textContent)) open();
    });
    // Keep focus in the box while an option is clicked.
    listbox.addEventListener("mousedown", function (e) {
      e.preventDefault();
    });
    listbox.addEventListener("click", function (e) {
      var o = e.target.closest("[role=option]");
      if (o) go(o);
    });
    document.addEventListener("click", function (e) {
      if (!e.target.closest || !e.target.closest(".site-search")) close();
    });
    input.addEventListener("blur", function () {
      window.setTimeout(function () {
        if (document.activeElement !== input) close();
      }, 150);
    });
  }

  /* ---------- search page ---------- */

  function setupPage() {
    var input = document.getElementById("search-page-input");
    var list = document.querySelector(".search-page__results");
    var status = document.querySelector(".search-page__status");
    if (!input || !list) return;
    var sequence = 0;

    function say(text) {
      if (status) status.textContent = text;
    }

    function item(r) {
      var li = document.createElement("li");
      li.className = "search-result";
      var heading = document.createElement("p");
      heading.className = "search-result__heading";
      var a = document.createElement("a");
      a.className = "search-result__title";
      a.href = r.href;
      a.textContent = r.title;
      var kind = document.createElement("span");
      kind.className = "badge search-result__kind";
      kind.textContent = kindLabel(r.kind);
      heading.appendChild(a);
      heading.appendChild(document.createTextNode(" "));
      heading.appendChild(kind);
      li.appendChild(heading);
      if (r.summary) {
        var p = document.createElement("p");
        p.className = "search-result__summary";
        p.textContent = r.summary;
        li.appendChild(p);
      }
      return li;
    }

    function remember(text) {
      try {
        window.history.replaceState(null, "", "?q=" + encodeURIComponent(text));
      } catch (e) {
        /* file:// may refuse; the results are shown anyway */
      }
    }

    function search() {
      var text = input.value;
      var mine = ++sequence;
      list.textContent = "";
      if (!text.trim()) {
        say("");
        return;
      }
      if (tooShort(text)) {
        say(strings.search_too_short);
        return;
      }
      say(strings.search_loading);
      query(text).then(function (results) {
        if (mine !== sequence) return;
        results.slice(0, PAGE_LIMIT).forEach(function (r) { list.appendChild(item(r)); });
        say(results.length ? fill(strings.search_results, { count: results.length }) : strings.search_no_results);
        remember(text);
      }, function () {
        if (mine === sequence) say(strings.search_error);
      });
    }

    var params = new URLSearchParams(window.location.search);
    input.value = params.get("q") || "";
    input.addEventListener("input", debounce(search, 200));
    input.form.addEventListener("submit", function (e) {
      e.preventDefault();
      search();
    });
    if (input.value) search();
  }

  window.kenshuSearch = { query: query, tokens: tokens, shardOf: shardOf };
  setupHeader();
  setupPage();
})();
