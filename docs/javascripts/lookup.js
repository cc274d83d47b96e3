// lookup.js: the "paste a bounce" decoder UI.
//
// Loaded as an ES module (mkdocs extra_javascript, type: module). For every element with a
// `data-lookup` attribute it builds a labelled textarea and a live result region, decodes as you
// type (decode.js does the work) and renders one card for the basic and one for the enhanced code.
//
// Safety: pasted text is data. The DOM is built with createElement/textContent only; no HTML
// strings are ever parsed.

import { decode } from "./decode.js";

// The index sits at the site root; this file sits in /javascripts/.
const INDEX_URL = new URL("../lookup-index.json", import.meta.url);
const SITE_ROOT = new URL("../", import.meta.url);

const LABEL = "Paste a reply code, an SMTP reply or a whole bounce";
const PLACEHOLDER = "550 5.1.1 <bob@example.org>: Recipient address rejected: User unknown";
const HINT = "Decoded in your browser. The page address keeps the reply, so you can share the link.";
const DECODE_DELAY_MS = 100;   // debounce while typing
const URL_DELAY_MS = 400;      // Safari limits history.replaceState calls; update the URL less often
const MAX_QUERY_CHARS = 500;   // longest ?q= we write

const SEVERITY_LABELS = {
  positive: "Success",
  transient: "Temporary failure",
  permanent: "Permanent failure",
  intermediate: "Intermediate",
};

const COMMAND_LABELS = {
  CONNECT: "the connection greeting",
  "end of DATA": "the end of DATA (after the message was sent)",
};

// ---------------------------------------------------------------------------------------------
// Index: fetched once per page load and shared by every lookup box and every page visited with
// instant navigation (this module is evaluated only once).
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

// ---------------------------------------------------------------------------------------------
// Small DOM helpers (text only).
// ---------------------------------------------------------------------------------------------

/** createElement with a class and text content. */
function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

/**
 * Index values may use Markdown backticks for codes and commands (`RCPT TO`): show those as
 * <code> elements, everything else as plain text.
 */
function richText(tag, className, value) {
  const node = el(tag, className);
  String(value).split("`").forEach((part, i) => {
    if (part === "") return;
    node.appendChild(i % 2 === 1 ? el("code", null, part) : document.createTextNode(part));
  });
  return node;
}

function pageLink(url, label) {
  const a = el("a", "lookup-card__link", label);
  a.href = new URL(url, SITE_ROOT).href;
  return a;
}

// ---------------------------------------------------------------------------------------------
// Rendering.
// ---------------------------------------------------------------------------------------------

// Severity badges reuse the site's .smtp-badge colours (site.css), named by the data's severity
// words, so the decoder and the code pages look alike.
function severityBadge(info) {
  const text = info.label ?? SEVERITY_LABELS[info.severity] ?? info.severity;
  return el("span", `smtp-badge smtp-badge--${info.severity} lookup-badge`, text);
}

function badge(text, modifier) {
  return el("span", `lookup-badge lookup-badge--${modifier}`, text);
}

function addRow(dl, term, value) {
  if (!value) return;
  dl.appendChild(el("dt", null, term));
  dl.appendChild(richText("dd", null, value));
}

/**
 * The parts both cards share: kind, code with its badges, title, meaning, an optional line, and the
 * retry and action facts. `badges` go into the head (the vendor's name); `extra` is a line after the
 * meaning (the registered meaning, when a vendor's own leads).
 */
function cardBody(kind, info, title, badges, extra) {
  const card = el("section", "lookup-card");
  card.setAttribute("aria-label", `${kind} ${info.code}`);
  card.appendChild(el("p", "lookup-card__kind", kind));
  const head = el("p", "lookup-card__head");
  head.appendChild(el("code", "lookup-card__code", info.code));
  if (info.severity) head.appendChild(severityBadge(info));
  if (!info.registered) head.appendChild(badge("Not registered", "unregistered"));
  head.append(...badges);
  card.appendChild(head);
  if (title) card.appendChild(richText("p", "lookup-card__title", title));
  card.appendChild(richText("p", "lookup-card__meaning", info.meaning));
  if (extra) card.appendChild(richText("p", "lookup-card__vendor", extra));
  const dl = el("dl", "lookup-card__facts");
  addRow(dl, "Will a retry help?", info.retry);
  addRow(dl, "What to do", info.action);
  if (dl.childNodes.length) card.appendChild(dl);
  return card;
}

function basicCard(info) {
  const card = cardBody("Basic reply code", info, info.text, [], null);
  if (info.url) card.appendChild(pageLink(info.url, `Read the ${info.code} page`));
  return card;
}

function enhancedCard(info) {
  const card = cardBody("Enhanced status code", info, info.title,
    info.vendor ? [badge(info.vendor.vendor, "vendor")] : [],
    info.vendor && info.registryTitle ? `Registered meaning of ${info.code}: ${info.registryTitle}.` : null);
  if (info.class === null && Object.keys(info.urls).length > 1) {
    // X form: offer every class page.
    const p = el("p", "lookup-card__links");
    Object.keys(info.urls).sort().forEach((cls, i) => {
      if (i > 0) p.appendChild(document.createTextNode(" · "));
      p.appendChild(pageLink(info.urls[cls], `${cls}.${info.key} page`));
    });
    card.appendChild(p);
  } else if (info.url) {
    const shown = info.classListed === false ? info.url.replace(/\/.*$/, "") : info.code;
    card.appendChild(pageLink(info.url, `Read the ${shown} page`));
  }
  if (info.vendorUrl && info.vendorUrl !== info.url) {
    card.appendChild(pageLink(info.vendorUrl, `${info.vendor.vendor} notes on ${info.code}`));
  }
  return card;
}

function render(region, result) {
  region.replaceChildren();
  if (!result.found) {
    for (const note of result.notes) region.appendChild(el("p", "lookup__empty", note.text));
    return;
  }
  const summary = el("p", "lookup__summary");
  summary.appendChild(document.createTextNode("Found "));
  summary.appendChild(el("code", null, [result.basic, result.enhanced].filter(Boolean).join(" ")));
  if (result.command) {
    summary.appendChild(document.createTextNode(" in reply to "));
    const label = COMMAND_LABELS[result.command];
    summary.appendChild(label ? document.createTextNode(label) : el("code", null, result.command));
  }
  summary.appendChild(document.createTextNode("."));
  region.appendChild(summary);

  const mismatch = result.notes.find((n) => n.kind === "mismatch");
  if (mismatch) {
    const warning = el("p", "lookup__warning");
    warning.setAttribute("role", "note");
    warning.appendChild(el("strong", null, "Mismatch: "));
    warning.appendChild(document.createTextNode(mismatch.text));
    region.appendChild(warning);
  }

  const cards = el("div", "lookup__cards");
  if (result.basicInfo) cards.appendChild(basicCard(result.basicInfo));
  if (result.enhancedInfo) cards.appendChild(enhancedCard(result.enhancedInfo));
  region.appendChild(cards);

  const others = result.notes.filter((n) => n.kind !== "mismatch");
  if (others.length) {
    const ul = el("ul", "lookup__notes");
    for (const note of others) ul.appendChild(el("li", null, note.text));
    region.appendChild(ul);
  }
  if (result.alsoFound.length) {
    region.appendChild(el("p", "lookup__also", `Other codes in the text: ${result.alsoFound.join(", ")}`));
  }
}

function renderMessage(region, text) {
  region.replaceChildren(el("p", "lookup__empty", text));
}

// ---------------------------------------------------------------------------------------------
// URL state (?q=) on the home page and the lookup page only.
// ---------------------------------------------------------------------------------------------

function urlStateEnabled() {
  const root = SITE_ROOT.pathname;
  const path = location.pathname;
  return [root, root + "index.html", root + "lookup/", root + "lookup/index.html", root + "lookup.html"].includes(path);
}

/** Keep ?q= short: the whole input when small, else only the reply line(s) with the codes. */
function queryFor(text, result) {
  const trimmed = text.trim();
  if (trimmed.length <= MAX_QUERY_CHARS) return trimmed;
  return result && result.found ? result.excerpt.slice(0, MAX_QUERY_CHARS) : "";
}

function writeQuery(q) {
  const url = new URL(location.href);
  if (q) url.searchParams.set("q", q);
  else url.searchParams.delete("q");
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
 * empty the search box. Closing makes Material drop ?q= from the URL; the decoder writes it back.
 */
function closeMaterialSearch() {
  const toggle = document.querySelector('input[data-md-toggle="search"]');
  if (toggle && toggle.checked) toggle.click(); // click(), as Material does, so it sees the change
  const query = document.querySelector('input[data-md-component="search-query"]');
  if (query) {
    query.value = "";
    query.blur();
  }
}

// ---------------------------------------------------------------------------------------------
// Building one lookup box.
// ---------------------------------------------------------------------------------------------

let boxCount = 0;

function build(host, initialQuery, keepUrl) {
  const id = `lookup-input-${++boxCount}`;
  const wrapper = el("div", "lookup");
  const label = el("label", "lookup__label", LABEL);
  label.htmlFor = id;
  const textarea = el("textarea", "lookup__input");
  textarea.id = id;
  textarea.rows = 5;
  textarea.placeholder = PLACEHOLDER;
  textarea.spellcheck = false;
  textarea.setAttribute("autocomplete", "off");
  textarea.setAttribute("autocapitalize", "off");
  textarea.setAttribute("autocorrect", "off");
  const hint = el("p", "lookup__hint", HINT);
  hint.id = `${id}-hint`;
  textarea.setAttribute("aria-describedby", hint.id);
  const region = el("div", "lookup__result");
  region.setAttribute("aria-live", "polite");
  wrapper.append(label, textarea, hint, region);
  host.replaceChildren(wrapper);

  let decodeTimer = 0;
  let urlTimer = 0;
  let generation = 0;
  let lastSignature = "";

  function update() {
    const text = textarea.value;
    const mine = ++generation;
    if (text.trim() === "") {
      lastSignature = "";
      region.replaceChildren();
      if (keepUrl) scheduleUrl("");
      return;
    }
    loadIndex().then(
      (index) => {
        if (mine !== generation) return; // a newer keystroke won
        const result = decode(text, index);
        // Re-render only when the answer changes, so screen readers are not flooded while typing.
        const signature = JSON.stringify([result.basic, result.enhanced, result.command, result.notes]);
        if (signature !== lastSignature) {
          lastSignature = signature;
          render(region, result);
        }
        if (keepUrl) scheduleUrl(queryFor(text, result));
      },
      () => {
        if (mine !== generation) return;
        lastSignature = "";
        renderMessage(region, "The code index could not be loaded. Check your connection and try again.");
      },
    );
  }

  function scheduleUrl(q) {
    clearTimeout(urlTimer);
    urlTimer = setTimeout(() => writeQuery(q), URL_DELAY_MS);
  }

  textarea.addEventListener("input", () => {
    clearTimeout(decodeTimer);
    decodeTimer = setTimeout(update, DECODE_DELAY_MS);
  });

  if (initialQuery) {
    textarea.value = initialQuery;
    closeMaterialSearch();
    setTimeout(closeMaterialSearch, 0); // in case Material opens it after us
    update();
  }
}

// ---------------------------------------------------------------------------------------------
// Start-up: once per element, also after Material's instant navigation swaps the page.
// ---------------------------------------------------------------------------------------------

/** What a mistyped address says, as text for the decoder: /smtp-550/ -> "smtp 550". */
function textOfPath() {
  const path = location.pathname.startsWith(SITE_ROOT.pathname)
    ? location.pathname.slice(SITE_ROOT.pathname.length) : location.pathname;
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
  const q = stateful ? new URLSearchParams(location.search).get("q") : null;
  hosts.forEach((host, i) => {
    if (host.dataset.lookupReady === "true") return;
    host.dataset.lookupReady = "true";
    // Only the first box on a page owns ?q=; the 404 page's box starts from the address typed.
    const ownsUrl = stateful && i === 0;
    const query = ownsUrl ? q ?? "" : host.hasAttribute("data-lookup-path") ? textOfPath() : "";
    build(host, query, ownsUrl);
  });
  if (hosts.length) loadIndex().catch(() => {}); // warm the cache before the first keystroke
}

if (window.document$ && typeof window.document$.subscribe === "function") {
  window.document$.subscribe(() => init());
} else if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", init, { once: true });
} else {
  init();
}
