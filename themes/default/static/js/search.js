/*
 * search.js — site search UI: the header box on every page and the search
 * page. Matching, ranking and snippets are search-index.js
 * (window.kenshuSearch), loaded just before this file.
 *
 * Header box (templates/base.html), an ARIA 1.2 combobox:
 *   input#site-search-input[role=combobox][aria-expanded][aria-activedescendant]
 *   div#site-search-results.site-search__results[hidden]   the popup
 *     p.site-search__message        visible hint (aria-hidden; the status says it)
 *     div#site-search-listbox[role=listbox] > div.site-search__option[role=option]
 *         [data-href] [aria-selected], holding the title, the kind and a
 *         snippet (span.site-search__snippet with <mark>); the last option
 *         (.site-search__option--all) opens the search page.
 *   p#site-search-status[role=status]  (visually hidden) count / hints
 *   Typing shows up to 8 results (the first input searches at once, then at
 *   most one search per 40 ms, the last text always), the best ones as soon
 *   as their doc files are in, the others together when the last is, the
 *   count said once; ArrowDown/ArrowUp move,
 *   Enter opens the active option (or submits the form to search/index.html?q=),
 *   Escape closes, Tab or leaving the box closes.
 *
 * Search page (templates/search.html): input#search-page-input prefilled from
 *   ?q=, results in ol.search-page__results > li.search-result
 *   (a.search-result__title to the section of the match, or to the page
 *   when its title holds the query,
 *   span.search-result__kind, p.search-result__snippet with <mark>),
 *   PAGE_STEP at a time with button.search-page__more for more;
 *   count in p.search-page__status[role=status]; updates as you type.
 *
 * Every text shown comes from the index and is set with textContent.
 */
(function () {
  "use strict";

  var engine = window.kenshuSearch;
  if (!engine) return;
  var strings = (window.KENSHU && window.KENSHU.strings) || {};
  var root = (document.body && document.body.getAttribute("data-root")) || "";
  var format = window.kenshuRecords.format;
  var POPUP_LIMIT = 8;
  var PAGE_STEP = 20;

  function kindLabel(kind) {
    return (strings.search_kinds && strings.search_kinds[kind]) || kind;
  }

  /**
   * Calls `fn` at once when it has not run in the last `ms`, else once when
   * they are over: the first keystroke (or an IME commit, a paste) searches
   * without waiting, and fast typing still searches at most every `ms`.
   */
  function throttle(fn, ms) {
    var timer = null;
    var pending = false;
    function later() {
      if (pending) {
        pending = false;
        fn();
        timer = window.setTimeout(later, ms);
      } else {
        timer = null;
      }
    }
    return function () {
      if (timer !== null) {
        pending = true;
        return;
      }
      fn();
      timer = window.setTimeout(later, ms);
    };
  }

  function searchPageUrl(text) {
    return root + "search/index.html?q=" + encodeURIComponent(text);
  }

  function element(tag, className, text) {
    var e = document.createElement(tag);
    if (className) e.className = className;
    if (text) e.textContent = text;
    return e;
  }

  /** The snippet of a result: text nodes and <mark> for the matches. */
  function snippet(tag, className, result) {
    var e = element(tag, className);
    (result.snippet || []).forEach(function (part) {
      e.appendChild(part.mark ? element("mark", "", part.text) : document.createTextNode(part.text));
    });
    return e;
  }

  /* ---------- header combobox ---------- */

  /** The header box's elements and state. */
  function headerBox() {
    var input = document.getElementById("site-search-input");
    var popup = document.getElementById("site-search-results");
    var listbox = document.getElementById("site-search-listbox");
    if (!input || !popup || !listbox) return null;
    return {
      input: input,
      popup: popup,
      listbox: listbox,
      status: document.getElementById("site-search-status"),
      message: popup.querySelector(".site-search__message"),
      active: -1,
      sequence: 0,
      shownFor: 0,
      shown: 0
    };
  }

  function options(box) {
    return box.listbox.querySelectorAll("[role=option]");
  }

  function close(box) {
    box.popup.hidden = true;
    box.input.setAttribute("aria-expanded", "false");
    box.input.removeAttribute("aria-activedescendant");
    box.active = -1;
  }

  function open(box) {
    box.popup.hidden = false;
    box.input.setAttribute("aria-expanded", options(box).length ? "true" : "false");
  }

  function say(box, text) {
    if (box.status) box.status.textContent = text;
    if (box.message) {
      box.message.textContent = text;
      box.message.hidden = !text;
    }
  }

  function setActive(box, index) {
    var list = options(box);
    Array.prototype.forEach.call(list, function (o) { o.setAttribute("aria-selected", "false"); });
    box.active = list.length ? (index + list.length) % list.length : -1;
    if (box.active < 0) {
      box.input.removeAttribute("aria-activedescendant");
      return;
    }
    list[box.active].setAttribute("aria-selected", "true");
    box.input.setAttribute("aria-activedescendant", list[box.active].id);
    if (list[box.active].scrollIntoView) list[box.active].scrollIntoView({ block: "nearest" });
  }

  function option(id, href, title, extraClass) {
    var o = element("div", "site-search__option" + (extraClass ? " " + extraClass : ""));
    o.id = "site-search-option-" + id;
    o.setAttribute("role", "option");
    o.setAttribute("aria-selected", "false");
    o.setAttribute("data-href", href);
    o.appendChild(element("span", "site-search__title", title));
    return o;
  }

  function resultOption(index, result) {
    var o = option(index, result.href, result.title);
    o.appendChild(document.createTextNode(" "));
    o.appendChild(element("span", "site-search__kind", kindLabel(result.kind)));
    if (result.snippet && result.snippet.length) o.appendChild(snippet("span", "site-search__snippet", result));
    return o;
  }

  /**
   * Shows the results of query number `mine`: its first call replaces the
   * list and says the count (final from the start), later calls add the
   * results that arrived since, and the `complete` one adds the option that
   * opens the search page.
   */
  function showResults(box, mine, text, results, complete) {
    if (box.shownFor !== mine) {
      box.listbox.textContent = "";
      box.active = -1;
      box.input.removeAttribute("aria-activedescendant");
      box.shownFor = mine;
      box.shown = 0;
      say(box, results.length ? format(strings.search_results, { count: results.total }) : strings.search_no_results);
    }
    for (; box.shown < results.length; box.shown++) box.listbox.appendChild(resultOption(box.shown, results[box.shown]));
    if (complete && results.length) {
      box.listbox.appendChild(option("all", searchPageUrl(text),
        format(strings.search_all, { count: results.total }), "site-search__option--all"));
    }
    open(box);
  }

  function showMessage(box, text) {
    box.listbox.textContent = "";
    say(box, text);
    open(box);
  }

  function runHeader(box) {
    var text = box.input.value;
    var mine = ++box.sequence;
    if (!text.trim()) {
      box.listbox.textContent = "";
      say(box, "");
      close(box);
      return;
    }
    if (engine.tooShort(text)) {
      showMessage(box, strings.search_too_short);
      return;
    }
    // The best results at once, the rest in one go when all are in: a
    // render per doc file would slow the full list down.
    engine.query(text, POPUP_LIMIT, function (first) {
      if (mine === box.sequence && box.shownFor !== mine) showResults(box, mine, text, first, false);
    }).then(function (results) {
      if (mine === box.sequence) showResults(box, mine, text, results, true);
    }, function () {
      if (mine === box.sequence) showMessage(box, strings.search_error);
    });
  }

  function go(o) {
    window.location.href = o.getAttribute("data-href");
  }

  function onHeaderKey(box, e) {
    var list = options(box);
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      if (!list.length) return;
      e.preventDefault();
      open(box);
      var step = e.key === "ArrowDown" ? 1 : -1;
      setActive(box, box.active < 0 && step < 0 ? -1 : box.active + step);
    } else if (e.key === "Enter" && !box.popup.hidden && box.active >= 0 && list[box.active]) {
      e.preventDefault();
      go(list[box.active]);
    } else if (e.key === "Escape") {
      if (!box.popup.hidden) {
        e.preventDefault();
        close(box);
      }
    } else if (e.key === "Tab") {
      close(box);
    }
  }

  function setupHeader() {
    var box = headerBox();
    if (!box) return;
    box.input.addEventListener("input", throttle(function () { runHeader(box); }, 40));
    box.input.addEventListener("keydown", function (e) { onHeaderKey(box, e); });
    box.input.addEventListener("focus", function () {
      engine.prepare();
      if (box.listbox.textContent || (box.message && box.message.textContent)) open(box);
    });
    // Keep focus in the box while an option is clicked.
    box.listbox.addEventListener("mousedown", function (e) { e.preventDefault(); });
    box.listbox.addEventListener("click", function (e) {
      var o = e.target.closest("[role=option]");
      if (o) go(o);
    });
    document.addEventListener("click", function (e) {
      if (!e.target.closest || !e.target.closest(".site-search")) close(box);
    });
    box.input.addEventListener("blur", function () {
      window.setTimeout(function () {
        if (document.activeElement !== box.input) close(box);
      }, 150);
    });
  }

  /* ---------- search page ---------- */

  function resultItem(r) {
    var li = element("li", "search-result");
    var heading = element("p", "search-result__heading");
    var a = element("a", "search-result__title", r.title);
    a.href = r.href;
    heading.appendChild(a);
    heading.appendChild(document.createTextNode(" "));
    heading.appendChild(element("span", "badge search-result__kind", kindLabel(r.kind)));
    li.appendChild(heading);
    if (r.heading) li.appendChild(element("p", "search-result__section", r.heading));
    if (r.snippet && r.snippet.length) li.appendChild(snippet("p", "search-result__snippet", r));
    return li;
  }

  function remember(text) {
    try {
      window.history.replaceState(null, "", "?q=" + encodeURIComponent(text));
    } catch (e) {
      /* file:// may refuse; the results are shown anyway */
    }
  }

  /** The search page's elements and state. */
  function pageView() {
    var input = document.getElementById("search-page-input");
    var list = document.querySelector(".search-page__results");
    if (!input || !list) return null;
    var more = element("button", "button search-page__more");
    more.type = "button";
    more.hidden = true;
    list.parentNode.insertBefore(more, list.nextSibling);
    return {
      input: input,
      list: list,
      status: document.querySelector(".search-page__status"),
      more: more,
      shown: 0,
      sequence: 0
    };
  }

  function sayPage(view, text) {
    if (view.status) view.status.textContent = text;
  }

  /** Shows results up to `count`; the button offers the next PAGE_STEP. */
  function showPage(view, text, count, mine) {
    return engine.query(text, count).then(function (results) {
      if (mine !== view.sequence) return;
      results.slice(view.shown).forEach(function (r) { view.list.appendChild(resultItem(r)); });
      view.shown = results.length;
      var rest = results.total - results.length;
      view.more.hidden = rest <= 0;
      view.more.textContent = format(strings.search_more, { count: Math.min(rest, PAGE_STEP) });
      sayPage(view, results.total ? format(strings.search_results, { count: results.total }) : strings.search_no_results);
    });
  }

  function searchPage(view) {
    var text = view.input.value;
    var mine = ++view.sequence;
    view.list.textContent = "";
    view.shown = 0;
    view.more.hidden = true;
    if (!text.trim()) {
      sayPage(view, "");
      return;
    }
    if (engine.tooShort(text)) {
      sayPage(view, strings.search_too_short);
      return;
    }
    sayPage(view, strings.search_loading);
    showPage(view, text, PAGE_STEP, mine).then(function () {
      if (mine === view.sequence) remember(text);
    }, function () {
      if (mine === view.sequence) sayPage(view, strings.search_error);
    });
  }

  function setupPage() {
    var view = pageView();
    if (!view) return;
    var params = new URLSearchParams(window.location.search);
    view.input.value = params.get("q") || "";
    view.input.addEventListener("focus", engine.prepare);
    view.input.addEventListener("input", throttle(function () { searchPage(view); }, 40));
    view.input.form.addEventListener("submit", function (e) {
      e.preventDefault();
      searchPage(view);
    });
    view.more.addEventListener("click", function () {
      showPage(view, view.input.value, view.shown + PAGE_STEP, view.sequence).catch(function () {
        sayPage(view, strings.search_error);
      });
    });
    if (view.input.value) searchPage(view);
  }

  setupHeader();
  setupPage();
})();
