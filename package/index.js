/**
 * smtp-codes: what the SMTP reply codes site knows, for programs. The site's own decoder modules
 * (decoder/, copied unchanged from the site) with its data bundled (data/, made from the same data
 * as the site by scripts/package): no runtime dependencies, no network, Node 18+ or a browser.
 *
 *   decode(input)            -> what a reply, a whole bounce or a mail log says (the site's decoder)
 *   explain(code)            -> the record the site's JSON API publishes for a code, or null
 *   linkify(text, {base})    -> HTML: the text escaped, every code and provider token a link to its page
 *   findCodes(text, {base})  -> the same codes as data: where each is, its page and its title
 *   triage(input)            -> a log's failures and deferrals grouped by codes and reason, with counts
 *   triageOf(result)         -> the same, of a result decode() gave
 */

import { decode as decodeWith } from "./decoder/decode.js";
import { describeBasic, describeEnhanced, describeToken } from "./decoder/explain.js";
import { groupRecipients } from "./decoder/logs.js";
import { providerOf, tokensIn } from "./decoder/reasons.js";
import { findReplies, tokeniseLines } from "./decoder/replies.js";
import index from "./data/index.js";
import records from "./data/records.js";
import { siteUrl, version } from "./data/release.js";

export { index, siteUrl, version };

/** What the text or bytes say: the DecodeResult of the site's decoder with the bundled index.
 * Its URLs are relative to the site root (siteUrl). */
export function decode(input) {
  return decodeWith(input, index);
}

/** The failures and deferrals of a log (or of any decoded text), grouped as the site's log triage
 * groups them, with the count of records read, delivered and unreadable. */
export function triage(input) {
  return triageOf(decode(input));
}

/** The triage of a result decode() gave. */
export function triageOf(result) {
  return { kind: result.kind, records: result.recipients.length, unreadable: result.unreadable, ...groupRecipients(result.recipients) };
}

// ---------------------------------------------------------------------------------------------
// explain()
// ---------------------------------------------------------------------------------------------

const CLASS_LESS = /^[Xx](\.\d{1,3}\.\d{1,3})$/;
let vendorByLowerCase = null;

/**
 * The record of a code: for a basic ("550") or enhanced code ("5.1.1") the record the site
 * publishes at /550.json; for the class-less "X.1.1" that of the class its address leads to; for a
 * provider's own code ("5.7.708", "TSS04") {kind: "vendor", code, uses} with each provider's entry
 * of /providers.json. Null for a code the data does not know. A fresh copy each time.
 */
export function explain(code) {
  const wanted = String(code ?? "").trim();
  const classLess = CLASS_LESS.exec(wanted);
  const record = own(records.codes, classLess ? own(records.classLess, `X${classLess[1]}`) : wanted) ?? vendorRecord(wanted);
  return record ? structuredClone(record) : null;
}

/** A key's value in a table of the data, never one of every object's ("constructor"). */
function own(table, key) {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

function vendorRecord(code) {
  vendorByLowerCase ??= new Map(Object.entries(records.vendor).map(([key, record]) => [key.toLowerCase(), record]));
  return own(records.vendor, code) ?? vendorByLowerCase.get(code.toLowerCase()) ?? null;
}

// ---------------------------------------------------------------------------------------------
// findCodes() and linkify()
// ---------------------------------------------------------------------------------------------

/** The base URL links are made from: an http(s) URL, ending in a slash so pages resolve under it. */
function baseOf(base) {
  const url = new URL(base);
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new TypeError(`base must be an http or https URL, not ${base}`);
  if (!url.pathname.endsWith("/")) url.pathname += "/";
  return url;
}

/** Where each line of the text starts, as tokeniseLines() splits it. */
function lineStarts(text) {
  const starts = [0];
  const breaks = /\r\n|\r|\n/g;
  while (breaks.exec(text) !== null) starts.push(breaks.lastIndex);
  return starts;
}

/** The line an offset is on, by bisection of the lines' starts. */
function lineAt(starts, offset) {
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if (starts[middle] <= offset) low = middle;
    else high = middle - 1;
  }
  return low;
}

/** The line and column of a candidate's enhanced code: after its basic code or alone, before it
 * (Exchange 2003's "#5.5.0 smtp;554"), or at the start of the next line (a reply wrapped after its
 * basic code). */
function enhancedAt(candidate, lines) {
  const code = candidate.enhanced.toLowerCase();
  const at = (line, column) => column >= 0 && lines[line]?.text.slice(column, column + code.length).toLowerCase() === code
    ? { line, column } : null;
  const lineText = lines[candidate.line].text.toLowerCase();
  return at(candidate.line, candidate.end - code.length) || at(candidate.line, lineText.lastIndexOf(code, candidate.start))
    || at(candidate.line + 1, lines[candidate.line + 1]?.text.search(/\S/) ?? -1);
}

// A token stands on its own as the decoder reads one (reasons.js): no letter, digit or joiner around it.
const TOKEN_BEFORE = /[A-Za-z0-9_.:-]/;
const TOKEN_AFTER = /[A-Za-z0-9_]/;

function tokenPlaces(text, token) {
  const places = [];
  for (let at = text.indexOf(token); at !== -1; at = text.indexOf(token, at + 1)) {
    if (!TOKEN_BEFORE.test(text[at - 1] ?? "") && !TOKEN_AFTER.test(text[at + token.length] ?? "")) places.push(at);
  }
  return places;
}

/** The page of a code as the decoder's cards link it (relative to the site), and its title. */
function pageOf(kind, code, provider, uses) {
  const info = kind === "basic" ? describeBasic(code, index, []) : kind === "enhanced" ? describeEnhanced(code, index, [], provider)
    : describeToken(code, uses, index, provider);
  return { url: info.url, title: kind === "basic" ? info.text : info.title };
}

/**
 * Every code in the text that has a page, and every provider token the data knows, in text order:
 * [{code, kind: "basic"|"enhanced"|"token", start, end, url, title}]. start and end are offsets in
 * the text (end exclusive); url is absolute, made from `base` (default: the site); title is plain
 * text or null. The codes are found as the decoder finds them, so ports, sizes, dates and
 * addresses are not taken for codes.
 */
export function findCodes(text, { base = siteUrl } = {}) {
  const source = String(text ?? "");
  const root = baseOf(base);
  const lines = tokeniseLines(source);
  const starts = lineStarts(source);
  // A ticket may quote several servers: a code that a provider uses with a meaning of its own is
  // read as the provider of its own line says. A log repeats the same few codes: each line's
  // provider and each page is looked up once.
  const providers = new Map();
  const providerOfLine = (line, code) => {
    if (!index.vendor?.[code]) return null;
    if (!providers.has(line)) providers.set(line, providerOf(lines[line].text, index));
    return providers.get(line);
  };
  const pages = new Map();
  const found = [];
  const add = (kind, code, start, provider = null, uses = null) => {
    const key = `${kind} ${code} ${provider}`;
    if (!pages.has(key)) {
      const { url, title } = pageOf(kind, code, provider, uses);
      pages.set(key, url ? { url: new URL(url, root).href, title: title ? title.replaceAll("`", "") : null } : null);
    }
    const page = pages.get(key);
    if (page) found.push({ code, kind, start, end: start + code.length, ...page });
  };
  for (const candidate of findReplies(lines)) {
    if (candidate.basic) add("basic", candidate.basic, starts[candidate.line] + candidate.start);
    const place = candidate.enhanced ? enhancedAt(candidate, lines) : null;
    if (place) add("enhanced", candidate.enhanced, starts[place.line] + place.column, providerOfLine(place.line, candidate.enhanced));
  }
  for (const { code, uses } of tokensIn(source, index)) {
    for (const start of tokenPlaces(source, code)) add("token", code, start, providerOfLine(lineAt(starts, start), code), uses);
  }
  // In text order; where a token holds a code, the token (the longer) is the link.
  found.sort((a, b) => a.start - b.start || b.end - a.end);
  let end = 0;
  return found.filter((item) => item.start >= end && (end = item.end) > 0);
}

const HTML_ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
const escapeHtml = (text) => text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);

/**
 * The text as HTML: all of it escaped, every code findCodes() finds wrapped in a link to its page
 * (`<a href="..." title="...">550</a>`), line breaks kept as they are. Safe to insert as HTML.
 */
export function linkify(text, options = {}) {
  const source = String(text ?? "");
  let html = "";
  let at = 0;
  for (const code of findCodes(source, options)) {
    const title = code.title ? ` title="${escapeHtml(code.title)}"` : "";
    html += `${escapeHtml(source.slice(at, code.start))}<a href="${escapeHtml(code.url)}"${title}>${escapeHtml(source.slice(code.start, code.end))}</a>`;
    at = code.end;
  }
  return html + escapeHtml(source.slice(at));
}
