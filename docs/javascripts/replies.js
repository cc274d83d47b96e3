/**
 * replies.js: find SMTP replies in text: the basic code (550), the enhanced code (5.1.1, 5.1.351,
 * X.7.26), the SMTP command it answered, and a reply wrapped in another one.
 *
 * Pure ES module. Every regular expression here is linear: fixed-width digits, no nested
 * quantifiers, lines cut at MAX_LINE_CHARS, so no input can make it backtrack for long.
 *
 *   findReplies(text)  -> candidates in text order: { basic, enhanced, line, start, lead, header }
 *   chooseReply(cands) -> the candidate the text is about (the best-scored failure), or null
 *   readReply(text)    -> { basic, enhanced, outer, command, text } for one recipient's reply text:
 *                         a reply that wraps another ("554 4.4.7 Message expired ... <421 4.4.2
 *                         Connection timed out>") gives the inner one, with `outer` beside it
 *   findCommand(lines, at, phrases) -> the SMTP command a reply on line `at` answered, when the
 *                         text says: a transcript's client line or a phrase of data/formats.yaml
 */

import { normalise, phrasesPattern } from "./reasons.js";

export const MAX_LINE_CHARS = 20000;

// ---------------------------------------------------------------------------------------------
// Lines, and the mail or DSN header each belongs to.
// ---------------------------------------------------------------------------------------------

// Headers whose values are full of dates, ids, addresses and versions but never carry the reply
// code: their lines (and folded continuations) are skipped, so "id 15.0.847.32" in a Received:
// header can never be taken for a code.
const SKIPPED_HEADERS = new Set([
  "received", "date", "arrival-date", "last-attempt-date", "will-retry-until", "message-id",
  "in-reply-to", "references", "x-postfix-queue-id", "reporting-mta", "remote-mta",
  "received-from-mta", "final-recipient", "original-recipient", "original-envelope-id",
  "x-mailer", "user-agent", "mime-version", "content-type", "content-transfer-encoding",
  "content-id", "content-description", "content-disposition", "dkim-signature", "arc-seal",
  "arc-message-signature", "arc-authentication-results", "authentication-results", "received-spf",
  "received-pra", "return-path", "from", "to", "cc", "bcc", "reply-to", "sender", "delivered-to",
  "x-original-to", "thread-index", "thread-topic", "x-ms-exchange-organization-scl",
  "x-originating-ip", "x-clientproxiedby", "x-ms-has-attach", "x-ms-tnef-correlator",
  "accept-language", "content-language", "x-google-smtp-source", "x-received", "x-gm-message-state",
  "x-spam-score", "x-spam-status", "list-unsubscribe", "feedback-id", "x-original-message-id",
  "x-ms-exchange-crosstenant-id", "x-forefront-antispam-report", "x-microsoft-antispam",
  "x-ms-traffictypediagnostic", "x-postfix-sender", "x-failed-recipients", "subject",
]);

const HEADER_RE = /^([A-Za-z][A-Za-z0-9-]{0,60}):[ \t]?/;

// The texts tokenised last: one decode reads the same report text and recipient parts several
// times (their replies, commands, transcript). The lines are never changed by their readers.
const recentLines = new Map();
const RECENT_TEXTS = 8;

/** Lines of text, each { text, index, header }: header is the lower-case name of the header field
 * (mail or DSN) the line belongs to, also for folded continuations, else null. */
export function tokeniseLines(text) {
  let lines = recentLines.get(text);
  if (!lines) {
    lines = splitLines(text);
    if (recentLines.size >= RECENT_TEXTS) recentLines.delete(recentLines.keys().next().value);
    recentLines.set(text, lines);
  }
  return lines;
}

function splitLines(text) {
  const raw = text.split(/\r\n|\r|\n/);
  const lines = [];
  let header = null;
  for (let i = 0; i < raw.length; i++) {
    let t = raw[i];
    if (t.length > MAX_LINE_CHARS) t = t.slice(0, MAX_LINE_CHARS);
    if (t.trim() === "") {
      header = null;
    } else if (!(/^[ \t]/.test(t) && header !== null)) {
      const m = HEADER_RE.exec(t);
      header = m ? m[1].toLowerCase() : null;
    }
    lines.push({ text: t, index: i, header });
  }
  return lines;
}

// ---------------------------------------------------------------------------------------------
// Candidates: basic and enhanced codes on a line, without IP addresses, dates, versions, sizes,
// ports, phone numbers and ids.
// ---------------------------------------------------------------------------------------------

const BASIC_RE = /[2-5]\d\d/g;
const ENHANCED_RE = /([245Xx])\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})/g;

// Words that, right before a number, say it is not a reply code ("HTTP/1.1 422" is an HTTP status).
const NOT_CODE_WORD_BEFORE = /\b(?:port|size|sizes|length|len|pid|uid|gid|id|queue|attempt|attempts|line|lines|page|step|limit|max|maximum|version|ver|v|rev|revision|release|build|exim|postfix|sendmail|qmail|openssl|tlsv?|ssl|rfc|errno|socket|http|https|http\/[\d.]+|ipv4|ipv6|section|chapter|figure|table|invoice|order|ticket|room|eur|usd|gbp|total)\s*[:#=]?\s*$/i;
// A digit group right before a 3-digit number ("+1 555", "555 123"): a phone-like number.
const DIGIT_GROUP_BEFORE = /(?:(?:^|[^\d.])\d{1,4}[\s-]|\+\d*\s*)$/;
// Units after a number: it is a size, a duration or a sum, not a reply code.
const NOT_CODE_AFTER = /^\s*(?:bytes?\b|kb\b|kib\b|mb\b|mib\b|gb\b|octets\b|ms\b|msec\b|secs?\b|seconds?\b|mins?\b|minutes?\b|hrs?\b|hours?\b|days?\b|eur\b|usd\b|euros?\b|dollars?\b|%|€|\$)/i;
// Text that leads into a reply: start of line (after quoting marks), a header label, "said:",
// "smtp;", "returned '", transcript markers ("<<<", "In:", "Out:", "S:"), Exchange's "#".
const REPLY_LEAD = /(?:^[^A-Za-z0-9]{0,12}|(?:^|\s)(?:<<<|>>>|<--|in:|out:|s:|c:)\s*|\bsmtp;\s*|\bsaid:\s*|\breturned\s+['"]?|\b(?:error|reply|response|replied|responded|status|code|diagnostic-code|reason)\s*:?\s*['"]?|[A-Za-z)\]>]\s?:\s+|\w:\s+|\s:\s*|;\s*|(?:^|\s)#|\(#|\[#|->\s*)$/i;
// Text that leads into a standalone enhanced code.
const ENHANCED_LEAD = /(?:^[\s>|*'"(\[]*|(?:^|\s)(?:<<<|>>>|<--|in:|out:|s:|c:)\s*|\bstatus:\s*|\bdsn=|(?:^|\s)#|\(#|\[#|\bsmtp;\s*)$/i;

function textBefore(line, start) {
  // When the line is cut, a marker replaces the line start so that "^" only means the real start.
  return start <= 40 ? line.slice(0, start) : "\u0001" + line.slice(start - 40, start);
}

function isBoundaryBefore(line, start) {
  if (start === 0) return true;
  const prev = line[start - 1];
  const prev2 = start >= 2 ? line[start - 2] : " ";
  if (/[\s('"\[<=;,*|>：，；（【「]/.test(prev)) return true;
  // "#550" (Exchange) but not "DOC-1369#550" (a URL fragment); ": 550" / " :550" but not "host:587";
  // an address and a colon, as Barracuda writes "(bob@example.org:550 5.4.1 ...)".
  if (prev === "#" || prev === ":") {
    return /[\s(\[;]/.test(prev2) || start === 1 || (prev === ":" && /@[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}:$/i.test(line.slice(Math.max(0, start - 80), start)));
  }
  // "550-5.1.1": the hyphen of a multi-line reply, right after a basic code.
  if (prev === "-") return /\d/.test(prev2) && start >= 4 && /(?:^|[^\d])[2-5]\d\d$/.test(line.slice(Math.max(0, start - 5), start - 1));
  return false;
}

// A line with more codes than this is no reply ("550 550 550 ..." pasted a thousand times): the
// rest of it is not read, which keeps a pathological line cheap.
const MAX_CODES_PER_LINE = 64;

function findBasic(line) {
  const found = [];
  BASIC_RE.lastIndex = 0;
  let m;
  while (found.length < MAX_CODES_PER_LINE && (m = BASIC_RE.exec(line)) !== null) {
    const start = m.index;
    const end = start + 3;
    if (!isBoundaryBefore(line, start)) continue;
    const next = line[end];
    const rest = line.slice(end, end + 16);
    if (next !== undefined) {
      if (/[\w@\/\\%]/.test(next)) continue;                          // 5501, 550abc, 550@
      if (next === "." && /^\.\d/.test(rest)) continue;                // 192.0.2.1, 550.1
      if (next === "-" && /^-\d\d/.test(rest) && !/^-[245]\.\d/.test(rest)) continue; // 555-123-4567
      if (next === "," && /^,\d/.test(rest)) continue;                 // 1,550,000
      if (next === "]" && /\w\[$/.test(line.slice(Math.max(0, start - 2), start))) continue; // smtp[234]
      // 555 123 4567 is a phone number; Yahoo's "552 1 Requested mail action aborted" is a reply.
      if (/^\s+\d/.test(rest) && !/^\s+([245Xx]\.|\d\.)\d/.test(rest) && !/^\s+\d\s+[A-Za-z]/.test(rest)
          && !/^\s+[2-5]\d\d\s/.test(rest)) continue;
      if (NOT_CODE_AFTER.test(rest)) continue;
    }
    const before = textBefore(line, start);
    if (NOT_CODE_WORD_BEFORE.test(before) || DIGIT_GROUP_BEFORE.test(before)) continue;
    found.push({ code: m[0], start, end, lead: REPLY_LEAD.test(before) });
  }
  return found;
}

function findEnhanced(line) {
  const found = [];
  ENHANCED_RE.lastIndex = 0;
  let m;
  while (found.length < MAX_CODES_PER_LINE && (m = ENHANCED_RE.exec(line)) !== null) {
    const start = m.index;
    const end = start + m[0].length;
    const rest = line.slice(end, end + 3);
    // Not followed by more digits, dots-and-digits (5.1.1.2, 5.1.10x) or id / address parts.
    if (/^(?:\d|\.\d|[A-Za-z_@]|-\d)/.test(rest)) continue;
    if (!isBoundaryBefore(line, start)) continue;
    const before = textBefore(line, start);
    if (NOT_CODE_WORD_BEFORE.test(before)) continue;                   // Exim 4.1.1, v2.4.5
    const cls = m[1] === "x" || m[1] === "X" ? null : m[1];
    found.push({
      code: (cls ?? "X") + "." + m[2] + "." + m[3],
      cls, start, end,
      // Subjects 0-7 are RFC 3463's; a higher one (Yahoo's 4.16.50) is a vendor's and is believed
      // only beside a basic code of its class or after a code marker, never alone in prose.
      vendorSubject: Number(m[2]) > 7,
      lead: ENHANCED_LEAD.test(before),
    });
  }
  return found;
}

/**
 * Every candidate reply in the text, in order. A candidate is a basic code with the enhanced code
 * that follows it on its line ("550 5.1.1", "550 Backend Replied [x]: 5.7.1"), a lone basic code,
 * or a lone enhanced code ("Status: 5.0.0", "(#5.1.1)").
 */
export function findReplies(textOrLines) {
  const lines = typeof textOrLines === "string" ? tokeniseLines(textOrLines) : textOrLines;
  const candidates = [];
  for (const line of lines) {
    if (line.header !== null && SKIPPED_HEADERS.has(line.header)) continue;
    const t = line.text;
    if (!/\d/.test(t)) continue;
    if (t.length >= 60 && /^[A-Za-z0-9+\/=]+$/.test(t)) continue; // a base64 line
    const basics = findBasic(t);
    const enhanceds = findEnhanced(t);
    const used = new Set();
    let j = 0;
    let lastBefore = null;
    basics.forEach((b, i) => {
      const limit = i + 1 < basics.length ? basics[i + 1].start : Infinity;
      while (j < enhanceds.length && enhanceds[j].start < b.end) lastBefore = enhanceds[j++];
      let e = null;
      if (j < enhanceds.length && enhanceds[j].start < limit && (!enhanceds[j].vendorSubject || enhanceds[j].cls === b.code[0])) {
        e = enhanceds[j++];
      } else if (lastBefore && !used.has(lastBefore) && lastBefore.cls === b.code[0] && !lastBefore.vendorSubject
                 && /^[\s;:#<]*(?:smtp\s*;\s*)?$/i.test(t.slice(lastBefore.end, b.start))) {
        // Exchange 2003 writes the enhanced code first: "<mx #5.5.0 smtp;554 Relay denied>".
        e = lastBefore;
      }
      if (e) used.add(e);
      candidates.push({ basic: b.code, enhanced: e ? e.code : null, line: line.index, start: b.start,
        end: e ? Math.max(e.end, b.end) : b.end, lead: b.lead, header: line.header, remote: /^\s*<<</.test(t) });
    });
    for (const e of enhanceds) {
      // A subject above 7 is a vendor's, and a version number looks the same: it counts after a
      // code mark ("#5.9.8", "(5.9.8", "smtp; 5.9.8") or alone on its line (a code typed in).
      const marked = /[#(\[]$|smtp;\s*$/.test(t.slice(Math.max(0, e.start - 8), e.start)) || t.trim() === e.code;
      if (used.has(e) || (e.vendorSubject && !marked)) continue;
      candidates.push({ basic: null, enhanced: e.code, line: line.index, start: e.start, end: e.end, lead: e.lead,
        header: line.header });
    }
  }
  candidates.sort((a, b) => a.line - b.line || a.start - b.start);
  // A reply wrapped right after its basic code carries its enhanced code on the next line
  // ("said: 552\n    5.2.2 <carol@example.org> Quota exceeded").
  for (let i = 0; i + 1 < candidates.length; i++) {
    const b = candidates[i];
    const e = candidates[i + 1];
    if (b.basic && !b.enhanced && !e.basic && e.enhanced && e.line === b.line + 1 && e.enhanced[0] === b.basic[0]
        && lines[b.line] && lines[b.line].text.slice(b.end).trim() === "" && e.start === lines[e.line].text.search(/\S/)) {
      b.enhanced = e.enhanced;
      b.end = e.end;
      candidates.splice(i + 1, 1);
    }
  }
  return candidates;
}

// ---------------------------------------------------------------------------------------------
// Choosing the reply a text is about.
// ---------------------------------------------------------------------------------------------

export function classOf(c) {
  if (c.basic) return c.basic[0];
  if (c.enhanced && c.enhanced[0] !== "X") return c.enhanced[0];
  return null;
}

function isNegative(c) {
  const k = classOf(c);
  return k === "4" || k === "5";
}

export function isGenericStatus(code) {
  return code !== null && /^[245]\.0\.0$/.test(code);
}

/** How sure we are that this candidate is the reply; higher wins, a tie goes to the later one
 * (a transcript ends with the failure). */
function score(c, firstNegativeLine, known) {
  let s;
  if (c.basic && c.enhanced) s = 30;                 // "550 5.1.1": a full reply
  else if (c.basic && c.lead) s = 30;                // "550 User unknown" at a reply position
  else if (c.enhanced && c.lead) s = 20;             // "Status: 5.1.1", "(#5.1.1)"
  else s = 10;                                       // mid-sentence: "... code 550 ...", "...: 5.7.1"
  if (c.header === "diagnostic-code") s += 3;        // the DSN's own copy of the remote reply
  if (c.header === "status") s += 1;
  if (c.remote) s += 5;                              // Sendmail "<<< 553 ...": the remote's own words
  if (classOf(c) === "5") s += 2;                    // a permanent refusal is the final word over a deferral
  // Among successes, the greeting, the closing and "354 go ahead" say least about the message.
  if (["220", "221", "354", "334"].includes(c.basic)) s -= 3;
  if (isGenericStatus(c.enhanced) && c.enhanced[0] !== "2") s -= 5; // 4.0.0 / 5.0.0 say only the class: prefer detail
  if (c.enhanced && c.enhanced[0] === "X") s -= 15;  // a code quoted generically, not a reply
  if (c.basic && !c.enhanced && !c.lead && known && !known(c.basic)) s -= 5;
  // Sendmail's "503 5.0.0 Need RCPT" merely follows the real RCPT failure.
  if (c.basic === "503" && firstNegativeLine !== null && firstNegativeLine < c.line) s -= 8;
  return s;
}

/** Worth considering at all: a full reply, a code at a reply position, or any enhanced code. A
 * three-digit number mid-sentence that is no known code is just a number. */
export function isPlausible(c, known) {
  return Boolean(c.enhanced || c.lead || (known ? known(c.basic) : true));
}

/** The reply the text is about: the best-scored failure, else the best of all. `known(code)` says
 * whether a basic code is a registered one. */
export function chooseReply(candidates, known = null) {
  const usable = candidates.filter((c) => isPlausible(c, known));
  if (usable.length === 0) return null;
  const negatives = usable.filter(isNegative);
  const pool = negatives.length > 0 ? negatives : usable;
  const firstNegativeLine = negatives.length > 0 ? negatives[0].line : null;
  let best = null;
  let bestScore = -Infinity;
  for (const c of pool) {
    const s = score(c, firstNegativeLine, known);
    if (s >= bestScore) { best = c; bestScore = s; }
  }
  return best;
}

// ---------------------------------------------------------------------------------------------
// One recipient's reply, and a reply wrapped in another.
// ---------------------------------------------------------------------------------------------

// What comes between an outer verdict and the reply it quotes: "<421 4.4.2 ...>", "'550 5.1.1 ...'",
// "-> 550 ...", "error 550-'...'", "Error: 535 ...", "said: 550 ...", "returned: 550 ...", an
// address and a colon (Barracuda's "(bob@example.org:550 5.4.1 ...)").
const WRAP_MARK = /(?:(?<!<)<|'|"|->\s*|\(|\b(?:error|said|returned|reply|response|server)\s*:?\s*['"]?|\[|@[a-z0-9.-]+>?:)\s*$/i;
// A quote right after the inner reply's basic code: Amazon SES's "5.3.0 - Other mail system
// problem 552-'5.2.2 ...'".
const QUOTED_AFTER_CODE = /^[2-5]\d\d-?['"]/;

/** Whether a quoted reply tells something of its own: an enhanced code, or words right after its
 * basic code ("-> 550 No Such User Here"), not a template's "550-'{reply}'" or Yahoo's bare "[550]"
 * at the end of a line. */
function saysMore(inner, line) {
  return Boolean(inner.enhanced) || /^[\s'"-]*[A-Za-z]{2}/.test(line.slice(inner.end, inner.end + 12));
}

/** Two candidates are the same reply written twice (a doubled code, a multi-line reply). */
function sameReply(a, b) {
  return a.basic === b.basic && a.enhanced === b.enhanced;
}

/**
 * The reply one recipient's text carries: { basic, enhanced, outer, line, start } or null. Reads doubled
 * codes ("550 550 5.1.1"), multi-line replies ("550-5.1.1 ... 550 5.1.1 ..."), and a reply that
 * quotes another: the quoted one is the cause, the quoting one the outer verdict.
 */
export function readReply(text, known = null) {
  const lines = tokeniseLines(text);
  const candidates = findReplies(lines).filter((c) => isPlausible(c, known));
  if (candidates.length === 0) return null;
  const first = candidates[0];
  // The outer verdict opens the text; an inner reply comes later, introduced by a wrap mark, and
  // may itself wrap another (Amazon SES quoting Exchange Online quoting Gmail): the innermost wins.
  let inner = null;
  for (const later of candidates.slice(1)) {
    const current = inner || first;
    if (sameReply(current, later)) continue;
    // A quoted reply sits on the quoting one's line or on its folded continuation lines.
    let joined = later.line === current.line;
    for (let i = current.line + 1; !joined && i <= later.line && /^[ \t]+\S/.test(lines[i].text); i++) joined = i === later.line;
    if (!joined) continue;
    const line = lines[later.line].text;
    const before = later.line === current.line ? line.slice(current.end, later.start) : line.slice(0, later.start);
    // Transcript lines ("<<< 503 ...") are the next reply of the session, never a quoted one.
    const wrapped = WRAP_MARK.test(before.slice(-40)) || QUOTED_AFTER_CODE.test(line.slice(later.start, later.start + 5));
    if (later.basic && !later.remote && wrapped && !(first.basic && sameReply(first, later)) && saysMore(later, line)) inner = later;
  }
  if (inner) {
    return { basic: inner.basic, enhanced: inner.enhanced, outer: { basic: first.basic, enhanced: first.enhanced }, line: inner.line,
      start: inner.start };
  }
  const chosen = chooseReply(candidates, known);
  let { basic, enhanced } = chosen;
  if (basic && !enhanced) {
    // "550 550 5.1.1", "550-5.1.1 ... 550 5.1.1 ...": the same reply with its enhanced code later.
    const twin = candidates.find((c) => c !== chosen && c.basic === basic && c.enhanced);
    if (twin) enhanced = twin.enhanced;
  }
  return { basic, enhanced, outer: null, line: chosen.line, start: chosen.start };
}

// ---------------------------------------------------------------------------------------------
// The SMTP command a reply answered.
// ---------------------------------------------------------------------------------------------

// Line markers of session transcripts: Sendmail ">>> cmd" / "<<< reply", Postfix "In:" / "Out:",
// RFC style "C:" / "S:", swaks " -> cmd" / "<-  reply" ("~>" / "<~" inside TLS, "<~*" an error),
// MDaemon "-->" / "<--".
const TRANSCRIPT_MARK = "(?:(?:>>>|<<<|-->|<--|->|<-|~>|<~|in:|out:|c:|s:)\\*?\\s*)?";
// A transcript line may start with its time ("Mon 2026-12-01 10:12:10.221: --> RCPT To:<...>").
const LINE_START = "^\\s*(?:(?:[A-Za-z]{3}\\s+)?\\d{4}-\\d\\d-\\d\\d[ T][\\d:.]+Z?:?\\s+)?";
const CLIENT_LINE_RE = new RegExp(LINE_START + TRANSCRIPT_MARK + "(mail from(?=\\s*:)|rcpt to(?=\\s*:)|" +
  "(?:data|starttls|rset|quit|noop)(?=\\s*$)|(?:ehlo|helo|lhlo|auth|bdat|vrfy|expn)(?=\\s+\\S))", "i");
const DATA_GO_AHEAD_RE = new RegExp(LINE_START + TRANSCRIPT_MARK + "354\\b", "i");
const END_OF_DATA_RE = new RegExp(LINE_START + TRANSCRIPT_MARK + "\\.\\s*$", "i");
// The names the decoder gives commands, by their keys in the data (data/codes.yaml's commands).
const COMMAND_NAMES = { connection: "CONNECT", MAIL: "MAIL FROM", RCPT: "RCPT TO", "end-of-data": "end of DATA" };
export const commandName = (key) => COMMAND_NAMES[key] ?? key;
// Enhanced codes of addressing (RFC 3463 X.1.*): a reply about the sender or a recipient.
const SENDER_ADDRESS_RE = /^[45]\.1\.[78]$/;
const ADDRESS_STATUS_RE = /^[45]\.1\.\d+$/;

function normaliseCommand(word) {
  const w = word.toLowerCase().replace(/\s+/g, " ");
  if (w === "end of data") return "end of DATA";
  return w.toUpperCase();
}

/** The command phrases of the data (data/formats.yaml's command_phrases) as one expression, and
 * the command of each phrase. */
const commandPhrases = new WeakMap();
function commandMatcher(phrases) {
  let matcher = commandPhrases.get(phrases);
  if (!matcher) {
    const byPhrase = new Map();
    for (const [key, list] of Object.entries(phrases)) for (const p of list) byPhrase.set(normalise(p), commandName(key));
    matcher = { re: new RegExp(phrasesPattern([...byPhrase.keys()]), "iu"), byPhrase };
    commandPhrases.set(phrases, matcher);
  }
  return matcher;
}

const PHRASE_REACH = 4000;

/** The lines of a text that name a command, found once per text and phrase list (a report asks
 * for each of its recipients): [{ line, command }]. */
const hitsOf = new WeakMap();
function phraseHits(lines, phrases) {
  let byPhrases = hitsOf.get(lines);
  if (!byPhrases) hitsOf.set(lines, (byPhrases = new Map()));
  if (byPhrases.has(phrases)) return byPhrases.get(phrases);
  const { re, byPhrase } = commandMatcher(phrases);
  const hits = [];
  for (const line of lines) {
    if (line.header !== null && SKIPPED_HEADERS.has(line.header)) continue;
    // A phrase sits beside its reply: a line is read as far as a long reply goes.
    const text = line.text.slice(0, PHRASE_REACH);
    const next = lines[line.index + 1]?.text.slice(0, PHRASE_REACH).trim() ?? "";
    const p = re.exec(`${text} ${next}`);
    if (p && p.index <= text.length) hits.push({ line: line.index, command: byPhrase.get(normalise(p[0])) });
  }
  byPhrases.set(phrases, hits);
  return hits;
}

/** The command a reply on line `at` answered: a phrase of `phrases` on its line wins; otherwise
 * the nearer of the nearest phrase and the last client command of a transcript before it. A
 * report wraps lines anywhere ("(in reply to end of DATA\n    command)"): a phrase may run on
 * into the next line. */
export function findCommand(lines, at, phrases = {}) {
  let phrase = null;
  for (const hit of phraseHits(lines, phrases)) {
    const dist = Math.abs(hit.line - at);
    if (!phrase || dist < phrase.dist) phrase = { dist, command: hit.command, line: hit.line };
  }
  if (phrase && phrase.dist === 0) return phrase;
  const client = lastClientCommand(lines, at);
  if (client && (!phrase || client.dist <= phrase.dist)) return client;
  return phrase;
}

/**
 * The command a reply answered, given the one the transcript shows before it. With PIPELINING the
 * client sends RCPT TO and DATA together and the replies come after ">>> DATA": a reply about an
 * address (X.1.*) there answered the RCPT TO (or the MAIL FROM, for X.1.7 and X.1.8).
 */
export function answeredCommand(command, enhanced) {
  if (command !== "DATA" || !enhanced) return command;
  if (SENDER_ADDRESS_RE.test(enhanced)) return "MAIL FROM";
  return ADDRESS_STATUS_RE.test(enhanced) ? "RCPT TO" : command;
}

function lastClientCommand(lines, at) {
  let sawDataReply = false; // a 354 between DATA and the reply: the reply ended the data
  for (let i = at - 1; i >= 0 && i >= at - 60; i--) {
    const t = lines[i].text;
    if (DATA_GO_AHEAD_RE.test(t)) sawDataReply = true;
    if (END_OF_DATA_RE.test(t)) return { dist: at - i, command: "end of DATA", line: i };
    const m = CLIENT_LINE_RE.exec(t);
    if (m) {
      const command = normaliseCommand(m[1]);
      return { dist: at - i, command: command === "DATA" && sawDataReply ? "end of DATA" : command, line: i };
    }
  }
  return null;
}
