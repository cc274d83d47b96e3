// lookup.js: the "paste a bounce" decoder box.
//
// Loaded as an ES module (mkdocs extra_javascript, type: module). For every element with a
// `data-lookup` attribute it builds a labelled textarea, a file button (a file can also be dropped
// on the box) and a live result region; decode.js reads the text, cards.js draws the answer. Large
// inputs and dropped files are decoded in a Web Worker (decode-worker.js), so the page never freezes;
// a mail log or an export becomes a triage table (triage.js), a dropped one streamed with progress.
// The worker starts (loading its modules and the index) when a file is dragged over the box or the
// file button is used, and on the decoder page (data-lookup-files) as soon as the page is idle, so
// that a dropped file is read at once.
//
// Safety: pasted text is data. The DOM is built with createElement/textContent only; no HTML
// strings are ever parsed.

import { el, render } from "./cards.js";
import { decode } from "./decode.js";
import { renderTriage, showProgress } from "./triage.js";

// The index sits at the site root; this file sits in /javascripts/.
const INDEX_URL = new URL("../lookup-index.json", import.meta.url);
const SITE_ROOT = new URL("../", import.meta.url);
const WORKER_URL = new URL("./decode-worker.js", import.meta.url);

const LABEL = "Paste a reply code, an SMTP reply or a whole bounce";
const PLACEHOLDER = "550 5.1.1 <bob@example.org>: Recipient address rejected: User unknown";
const HINT = "Decoded in your browser; nothing you paste or drop leaves it. The page address keeps the reply, so you can share the link.";
const EXCERPT_NOTE = "The whole text is too long for a link: the page address keeps only the first failure's reply line.";
const DECODE_DELAY_MS = 100;     // debounce while typing
const URL_DELAY_MS = 400;        // Safari limits history.replaceState calls; update the URL less often
const MAX_QUERY_CHARS = 500;     // longest ?q= we write
const WORKER_CHARS = 200_000;    // inputs larger than this are decoded in the worker
const FILE_TYPES = ".eml,.msg,.txt,.mbox,.log,.gz,.json,.jsonl,.csv,message/rfc822,text/plain";

// ---------------------------------------------------------------------------------------------
// The index, fetched once per page load and shared by every box and every page visited with
// Material's instant navigation (this module is evaluated only once).
// ---------------------------------------------------------------------------------------------

let indexPromise = null;

function loadIndex() {
  if (!indexPromise) {
    indexPromise = fetch(INDEX_URL, { credentials: "same-origin" })
      .then((response) => {
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        return response.json();
      })
      .catch((error) => {
        indexPromise = null; // let a later attempt try again
        throw error;
      });
  }
  return indexPromise;
}

// One worker for the page, started when first needed or expected; each request carries an id.
let worker = null;
let requests = 0;
const pending = new Map();

/** The worker, started now if it is not running: it loads the index before any request comes. */
function startWorker() {
  if (worker) return worker;
  worker = new Worker(WORKER_URL, { type: "module" });
  worker.addEventListener("message", ({ data }) => {
    const request = pending.get(data.id);
    if (!request) return;
    if (data.progress) {
      if (request.onProgress) request.onProgress(data.progress);
      return;
    }
    pending.delete(data.id);
    if (data.error) request.reject(new Error(data.error));
    else request.resolve(data.result);
  });
  worker.postMessage({ warm: true, indexUrl: INDEX_URL.href });
  return worker;
}

/** Decode a text or a File in the worker; onProgress gets { read, total } while a log streams. */
function decodeInWorker(input, onProgress = null) {
  startWorker();
  const id = ++requests;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject, onProgress });
    worker.postMessage({ id, ...(input instanceof File ? { file: input } : { input }), indexUrl: INDEX_URL.href });
  });
}

/** Stop whatever the worker is doing (a cancelled file): a new worker starts with the next request. */
function cancelWorker() {
  if (!worker) return;
  worker.terminate();
  worker = null;
  for (const request of pending.values()) request.reject(new Error("cancelled"));
  pending.clear();
}

// ---------------------------------------------------------------------------------------------
// URL state (?q=) on the home page and the decoder page only.
// ---------------------------------------------------------------------------------------------

function urlStateEnabled() {
  const root = SITE_ROOT.pathname;
  return [root, root + "index.html", root + "lookup/", root + "lookup/index.html", root + "lookup.html"].includes(location.pathname);
}

/** What ?q= keeps: the whole input when small, else the first failure's reply line (flagged). */
function queryFor(text, result) {
  const trimmed = text.trim();
  if (trimmed.length <= MAX_QUERY_CHARS) return { q: trimmed, excerpt: false };
  return { q: result && result.found ? result.excerpt.slice(0, MAX_QUERY_CHARS) : "", excerpt: true };
}

function writeQuery({ q, excerpt }) {
  const url = new URL(location.href);
  if (q) url.searchParams.set("q", q);
  else url.searchParams.delete("q");
  if (q && excerpt) url.searchParams.set("excerpt", "1");
  else url.searchParams.delete("excerpt");
  if (url.href === location.href) return;
  try {
    history.replaceState(history.state, "", url.href);
  } catch {
    // Too many calls (Safari) or a sandboxed page: the URL is a convenience only.
  }
}

/**
 * Material for MkDocs reads ?q= too (search deep links): it opens the search overlay with the
 * query. On the decoder's pages the parameter belongs to the decoder, so close the overlay and
 * empty the search box.
 */
function closeMaterialSearch() {
  const toggle = document.querySelector('input[data-md-toggle="search"]');
  if (toggle && toggle.checked) toggle.click();
  const query = document.querySelector('input[data-md-component="search-query"]');
  if (query) {
    query.value = "";
    query.blur();
  }
}

// ---------------------------------------------------------------------------------------------
// One box
// ---------------------------------------------------------------------------------------------

let boxCount = 0;

function build(host, initial, keepUrl) {
  const id = `lookup-input-${++boxCount}`;
  const wrapper = el("div", "lookup");
  const label = el("label", "lookup__label", LABEL);
  label.htmlFor = id;
  const textarea = el("textarea", "lookup__input");
  Object.assign(textarea, { id, rows: 5, placeholder: PLACEHOLDER, spellcheck: false });
  for (const [name, value] of [["autocomplete", "off"], ["autocapitalize", "off"], ["autocorrect", "off"]]) textarea.setAttribute(name, value);
  const tools = el("p", "lookup__tools");
  const fileInput = el("input", "lookup__file");
  Object.assign(fileInput, { type: "file", id: `${id}-file`, accept: FILE_TYPES });
  const fileLabel = el("label", "lookup__file-button md-button", "Open a file");
  fileLabel.htmlFor = fileInput.id;
  const status = el("span", "lookup__status");
  status.setAttribute("role", "status");
  tools.append(fileInput, fileLabel, el("span", "lookup__or", " or drop a bounce (.eml), a log or an export on the box. "), status);
  const hint = el("p", "lookup__hint", HINT);
  hint.id = `${id}-hint`;
  textarea.setAttribute("aria-describedby", hint.id);
  const region = el("div", "lookup__result");
  region.setAttribute("aria-live", "polite");
  wrapper.append(label, textarea, tools, hint, region);
  host.replaceChildren(wrapper);

  let decodeTimer = 0;
  let urlTimer = 0;
  let generation = 0;
  let lastSignature = "";

  function show(result, index) {
    const signature = JSON.stringify([result.kind, result.recipients.map((r) => [r.address, r.action, r.basic, r.enhanced, r.reason]),
      result.notes.map((n) => n.text), result.triage]);
    // Re-render only when the answer changes, so screen readers are not flooded while typing.
    if (signature === lastSignature) return;
    lastSignature = signature;
    if (result.kind === "log") renderTriage(region, result, index, SITE_ROOT);
    else render(region, result, index, SITE_ROOT);
    document.dispatchEvent(new CustomEvent("lookup:result", { detail: { result, region } }));
  }

  function failed() {
    lastSignature = "";
    region.replaceChildren(el("p", "lookup__empty", "The code index could not be loaded. Check your connection and try again."));
  }

  function update() {
    const text = textarea.value;
    const mine = ++generation;
    status.textContent = "";
    if (text.trim() === "") {
      lastSignature = "";
      region.replaceChildren();
      if (keepUrl) scheduleUrl({ q: "", excerpt: false });
      return;
    }
    loadIndex().then(async (index) => {
      const result = text.length > WORKER_CHARS ? await decodeInWorker(text) : decode(text, index);
      if (mine !== generation) return; // a newer keystroke won
      show(result, index);
      if (keepUrl) {
        const query = queryFor(text, result);
        // A link opened from an excerpt keeps saying so until the text is changed.
        const excerpt = (query.excerpt && query.q) || (initial.excerpt && text === initial.query);
        hint.textContent = excerpt ? `${HINT} ${EXCERPT_NOTE}` : HINT;
        scheduleUrl(initial.excerpt && text === initial.query ? { q: text, excerpt: true } : query);
      }
    }, () => mine === generation && failed());
  }

  async function openFile(file) {
    const mine = ++generation;
    status.textContent = `Reading ${file.name}…`;
    lastSignature = "";
    const progress = showProgress(region, file, () => {
      cancelWorker();
      status.textContent = `Stopped reading ${file.name}.`;
    });
    try {
      const [index, result] = await Promise.all([loadIndex(), decodeInWorker(file, progress)]);
      if (mine !== generation) return;
      status.textContent = `Decoded ${file.name} (${Math.max(1, Math.round(file.size / 1024))} KB).`;
      textarea.value = "";
      show(result, index);
      if (keepUrl) scheduleUrl(result.found ? { q: result.excerpt, excerpt: true } : { q: "", excerpt: false });
    } catch (error) {
      if (mine === generation && error.message !== "cancelled") status.textContent = `${file.name} could not be read: ${error.message}`;
    }
  }

  function scheduleUrl(query) {
    clearTimeout(urlTimer);
    urlTimer = setTimeout(() => writeQuery(query), URL_DELAY_MS);
  }

  textarea.addEventListener("input", () => {
    clearTimeout(decodeTimer);
    decodeTimer = setTimeout(update, DECODE_DELAY_MS);
  });
  fileInput.addEventListener("change", () => fileInput.files[0] && openFile(fileInput.files[0]));
  for (const target of [textarea, wrapper]) {
    target.addEventListener("dragover", (event) => {
      if ([...event.dataTransfer.types].includes("Files")) {
        event.preventDefault();
        wrapper.classList.add("lookup--drop");
        startWorker();
      }
    });
  }
  fileLabel.addEventListener("click", () => startWorker());
  wrapper.addEventListener("dragleave", () => wrapper.classList.remove("lookup--drop"));
  wrapper.addEventListener("drop", (event) => {
    wrapper.classList.remove("lookup--drop");
    const file = event.dataTransfer.files[0];
    if (file) {
      event.preventDefault();
      openFile(file);
    }
  });

  if (initial.query) {
    textarea.value = initial.query;
    closeMaterialSearch();
    setTimeout(closeMaterialSearch, 0); // in case Material opens it after us
    if (initial.excerpt) hint.textContent = `${HINT} ${EXCERPT_NOTE}`;
    update();
  }
}

// ---------------------------------------------------------------------------------------------
// Start-up: once per element, also after Material's instant navigation swaps the page.
// ---------------------------------------------------------------------------------------------

/** What a mistyped address says, as text for the decoder: /smtp-550/ -> "smtp 550". */
function textOfPath() {
  const path = location.pathname.startsWith(SITE_ROOT.pathname) ? location.pathname.slice(SITE_ROOT.pathname.length) : location.pathname;
  let text = path;
  try {
    text = decodeURIComponent(path);
  } catch {
    // A malformed %-escape: read the path as it is.
  }
  return text.replace(/\.(html?|json)$/, "").replace(/[\/_-]+/g, " ").trim();
}

function init() {
  const hosts = document.querySelectorAll("[data-lookup]");
  const stateful = urlStateEnabled();
  const params = new URLSearchParams(location.search);
  hosts.forEach((host, i) => {
    if (host.dataset.lookupReady === "true") return;
    host.dataset.lookupReady = "true";
    // Only the first box on a page owns ?q=; the 404 page's box starts from the address typed.
    const ownsUrl = stateful && i === 0;
    const query = ownsUrl ? params.get("q") ?? "" : host.hasAttribute("data-lookup-path") ? textOfPath() : "";
    build(host, { query, excerpt: ownsUrl && params.get("excerpt") === "1" }, ownsUrl);
  });
  if (hosts.length) loadIndex().catch(() => {}); // warm the cache before the first keystroke
  if ([...hosts].some((host) => host.hasAttribute("data-lookup-files"))) whenIdle(startWorker);
}

/** Run `task` when the page is idle (or soon, where requestIdleCallback is missing). */
function whenIdle(task) {
  if (window.requestIdleCallback) window.requestIdleCallback(() => task(), { timeout: 2000 });
  else setTimeout(task, 500);
}

if (window.document$ && typeof window.document$.subscribe === "function") {
  window.document$.subscribe(() => init());
} else if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", init, { once: true });
} else {
  init();
}
