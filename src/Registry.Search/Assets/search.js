// The registry's search page script (docs/search.md). Mirrors Registry.Search.SearchQuery:
// text is folded (full-width ASCII to ASCII, then each code point lowercased on its own, U+0130
// to i, final sigma to sigma; no NFKC, as the writer's .NET runs without ICU), words are runs of Unicode letters, marks and decimal digits, lengths count code points;
// terms are the query's words; the shards of the first three distinct keys (first three letters,
// marks or digits of a term) are fetched from search/v1/shards/KEY.json under the site root
// (this page's parent folder); every term must match; exact name first.
// Package text is hostile: results are built with createElement and textContent only.
(function () {
  "use strict";
  var KEY_LENGTH = 3;
  var MAX_SHARDS = 3;
  var LIMIT = 50;

  var WORD = /[\p{L}\p{M}\p{Nd}]/u;
  var WORDS = /[\p{L}\p{M}\p{Nd}]+/gu;

  function fold(text) {
    var out = "";
    for (var c of String(text)) {
      var p = c.codePointAt(0);
      out += p >= 0xff01 && p <= 0xff5e ? String.fromCodePoint(p - 0xfee0).toLowerCase()
        : p === 0x130 ? "i" : p === 0x3c2 ? "\u03c3" : c.toLowerCase();
    }
    return out;
  }

  function length(word) {
    return Array.from(word).length;
  }

  function tokens(text) {
    return fold(text).match(WORDS) || [];
  }

  function keyOf(word) {
    var chars = Array.from(fold(word)).filter(function (c) { return WORD.test(c); });
    return chars.length === 0 ? null : chars.slice(0, KEY_LENGTH).join("");
  }

  function tier(name, word) {
    return name === word ? 0 : tokens(name).indexOf(word) >= 0 ? 1 : 2;
  }

  function terms(query) {
    return fold(query).split(/\s+/).filter(function (t) { return t.length > 0 && keyOf(t) !== null; });
  }

  function termMatchesWord(term, word) {
    return length(term) < KEY_LENGTH || length(keyOf(word)) < KEY_LENGTH ? word === term : word.indexOf(term) === 0;
  }

  function textMatches(record, term) {
    if (record.name.indexOf(term) === 0) { return true; }
    return tokens(record.name + " " + record.description).some(function (w) {
      return length(term) < KEY_LENGTH ? w === term : w.indexOf(term) === 0;
    });
  }

  // A shard as fetched: {v, key, packages: [[name, version, description, nugetId?]], words: [[word, [i...]]]}.
  function readShard(json) {
    var packages = new Map();
    var list = [];
    (json.packages || []).forEach(function (p) {
      var record = { name: String(p[0]), version: String(p[1]), description: String(p[2] || "") };
      list.push(record);
      packages.set(record.name, record);
    });
    var words = new Map();
    (json.words || []).forEach(function (w) {
      words.set(String(w[0]), (w[1] || []).map(function (i) { return list[i]; }).filter(Boolean));
    });
    return { packages: packages, words: words };
  }

  function answer(query, shards) {
    var ts = terms(query);
    if (ts.length === 0) { return []; }
    var records = new Map();
    shards.forEach(function (shard) {
      shard.packages.forEach(function (record, name) { if (!records.has(name)) { records.set(name, record); } });
    });
    var scores = new Map();
    records.forEach(function (_, name) { scores.set(name, 0); });
    ts.forEach(function (term) {
      var best = new Map();
      var shard = shards.get(keyOf(term));
      if (shard) {
        shard.words.forEach(function (list, word) {
          if (!termMatchesWord(term, word)) { return; }
          list.forEach(function (record) {
            var score = tier(record.name, word) * 2 + (word === term ? 0 : 1);
            if (!best.has(record.name) || best.get(record.name) > score) { best.set(record.name, score); }
          });
        });
      }
      records.forEach(function (record, name) {
        if (!best.has(name) && textMatches(record, term)) { best.set(name, 5); }
      });
      scores.forEach(function (score, name) {
        scores.set(name, best.has(name) && score >= 0 ? score + best.get(name) : -1);
      });
    });
    var whole = ts.join(" ");
    var results = [];
    scores.forEach(function (score, name) { if (score >= 0) { results.push({ name: name, score: score }); } });
    results.sort(function (a, b) {
      var pa = a.name === whole ? 0 : a.name.indexOf(whole) === 0 ? 1 : 2;
      var pb = b.name === whole ? 0 : b.name.indexOf(whole) === 0 ? 1 : 2;
      return pa - pb || a.score - b.score || a.name.length - b.name.length || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
    });
    return results.slice(0, LIMIT).map(function (r) { return records.get(r.name); });
  }

  function siteRoot() {
    // The page is SITE/search/index.html (or SITE/search/): the site root is its parent folder.
    return new URL("../", window.location.href);
  }

  function fetchShard(key) {
    var url = new URL("search/v1/shards/" + encodeURIComponent(key) + ".json", siteRoot());
    return fetch(url.toString(), { credentials: "same-origin" }).then(function (response) {
      if (response.status === 404) { return null; }
      if (!response.ok) { throw new Error("search index: HTTP " + response.status); }
      return response.json();
    }).then(function (json) { return json ? readShard(json) : null; });
  }

  function show(container, query, results) {
    while (container.firstChild) { container.removeChild(container.firstChild); }
    var summary = document.createElement("p");
    summary.textContent = results.length === 0
      ? "No package matches \u201c" + query + "\u201d."
      : results.length + (results.length === 1 ? " package" : " packages") + " for \u201c" + query + "\u201d";
    container.appendChild(summary);
    if (results.length === 0) { return; }
    var list = document.createElement("ol");
    list.className = "search-results";
    results.forEach(function (record) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = new URL("packages/" + encodeURIComponent(record.name) + "/", siteRoot()).toString();
      link.textContent = record.name;
      item.appendChild(link);
      var version = document.createElement("span");
      version.className = "version";
      version.textContent = " " + record.version;
      item.appendChild(version);
      if (record.description) {
        var description = document.createElement("p");
        description.textContent = record.description;
        item.appendChild(description);
      }
      list.appendChild(item);
    });
    container.appendChild(list);
  }

  function showError(container, message) {
    while (container.firstChild) { container.removeChild(container.firstChild); }
    var p = document.createElement("p");
    p.textContent = message;
    container.appendChild(p);
  }

  function run() {
    var input = document.getElementById("search-input");
    var container = document.getElementById("search-results");
    if (!container) { return; }
    var query = new URLSearchParams(window.location.search).get("q") || "";
    if (input) { input.value = query; }
    var keys = [];
    terms(query).forEach(function (t) { var k = keyOf(t); if (keys.indexOf(k) < 0) { keys.push(k); } });
    keys = keys.slice(0, MAX_SHARDS);
    if (keys.length === 0) { return; }
    Promise.all(keys.map(function (k) { return fetchShard(k).then(function (s) { return [k, s]; }); }))
      .then(function (pairs) {
        var shards = new Map();
        pairs.forEach(function (pair) { if (pair[1]) { shards.set(pair[0], pair[1]); } });
        show(container, query, answer(query, shards));
      })
      .catch(function (error) { showError(container, "Search is unavailable: " + error.message); });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", run);
  } else {
    run();
  }
})();
