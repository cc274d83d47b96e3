// search-worker.js: Material's search worker, with queries read the way people type them.
//
// A classic worker script that loads Material's own worker (its address comes in the `material`
// query parameter; overrides/main.html points the theme here) and stands between it and the page.
// - Every word of a query is required first, so the page that holds all of them comes before one
//   that holds a rare word many times; a query that finds nothing so is run again with any word.
// - A word that begins no word of the index ("mailbox fulll", "recipient adress") is searched with
//   an edit distance (lunr's "~1"), so the page that has the word as it is meant still comes first.
// - A query that holds a code loses its filler words ("smtp error 550": the index's config lists
//   them, from data/guides.yaml), which would otherwise lift guides that say "error".

const SETUP = 0;  // Material's message types: the index, queries, results
const QUERY = 2;
const RESULT = 3;
const SEPARATOR_FALLBACK = /[\s\-]+/;

const CODE = /^(?:[2-5]\d\d|[245x]\.\d{1,3}\.\d{1,3}|[2-5]xx)$/i;

let words = [];  // every word of the index, sorted
let fillerWords = new Set();
let separator = SEPARATOR_FALLBACK;
let relaxed = null;  // the query to run if the last one, with every word required, found nothing

const listeners = [];
const listen = self.addEventListener.bind(self);
self.addEventListener = (type, listener, options) =>
  type === "message" ? listeners.push(listener) : listen(type, listener, options);
importScripts(new URL(self.location.href).searchParams.get("material"));

const dispatch = (message) => { for (const listener of listeners) listener.call(self, { data: message }); };

listen("message", (event) => {
  const message = event.data;
  if (message.type === SETUP) {
    const config = message.data.config || {};
    if (config.separator) separator = new RegExp(config.separator);
    words = wordsOf(message.data);
    fillerWords = new Set(config.filler_words || []);
    dispatch(message);
  } else if (message.type === QUERY && typeof message.data === "string" && words.length) {
    relaxed = forgiving(message.data);
    dispatch({ ...message, data: strict(message.data) });
  } else dispatch(message);
});

// Material answers with postMessage: a strict query that found nothing is run again relaxed.
const post = self.postMessage.bind(self);
self.postMessage = (message) => {
  const retry = message && message.type === RESULT && relaxed !== null && !message.data.items.length ? relaxed : null;
  relaxed = null;
  if (retry !== null) dispatch({ type: QUERY, data: retry });
  else post(message);
};

function wordsOf(index) {
  const found = new Set();
  for (const doc of index.docs || []) {
    const text = `${doc.title || ""} ${(doc.text || "").replace(/<[^>]+>/g, " ")} ${(doc.tags || []).join(" ")}`;
    for (const word of text.toLowerCase().split(separator)) if (word) found.add(word);
  }
  return [...found].sort();
}

/** Whether some word of the index begins with `term` (binary search in the sorted words). */
function begins(term) {
  let low = 0;
  let high = words.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (words[middle] < term) low = middle + 1;
    else high = middle;
  }
  return low < words.length && words[low].startsWith(term);
}

/** The query's words as the index splits them (so that no "Diagnostic-Code:" reads as a field
 * name), without filler words if it holds a code. */
function meaningful(query) {
  const terms = query.toLowerCase().split(separator).filter(Boolean);
  if (!terms.some((term) => CODE.test(term))) return terms;
  const kept = terms.filter((term) => !fillerWords.has(term));
  return kept.length ? kept : terms;
}

/** A word the index does not know, searched with one or two typos ("fulll", "adress"). */
function typo(term) {
  return /^[\p{L}]{4,}$/u.test(term) && !begins(term) ? `${term}~${term.length >= 9 ? 2 : 1}` : null;
}

/** The query with every word required, so that the page holding all of them comes before a page
 * that holds one rare word many times ("too many recipients"). Stop words are left out, as the
 * index leaves them out; a query of stop words only is the forgiving one (never the raw text, whose
 * "Code:" lunr would read as a field). */
function strict(query) {
  const required = [];
  for (const word of meaningful(query)) {
    if (lunr.stopWordFilter(word)) required.push(`+${typo(word) || word}`);
  }
  return required.length ? required.join(" ") : forgiving(query);
}

/** The query as typed, less filler words, with each unknown word also searched with typos. */
function forgiving(query) {
  const terms = meaningful(query);
  const typos = terms.map(typo).filter(Boolean);
  return [...terms, ...typos].join(" ");
}
