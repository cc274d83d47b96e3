/**
 * decode.js: find the SMTP reply code(s) a pasted text is about and explain them.
 *
 * Pure ES module: no DOM, no dependencies. Used by lookup.js in the browser and by
 * tests/js/decode.test.mjs under Node.
 *
 *   import { decode } from "./decode.js";
 *   const result = decode(text, index);   // index = parsed lookup-index.json
 *
 * Result shape (every key is always present):
 *
 * @typedef {Object} DecodeResult
 * @property {boolean} found          true when a basic or an enhanced code was found
 * @property {string|null} basic      the basic reply code, e.g. "550"
 * @property {string|null} enhanced   the enhanced status code, e.g. "5.1.1" or "X.7.26"
 * @property {string|null} command    the SMTP command the reply answered, when the text says:
 *     "CONNECT" (greeting / initial connection), "EHLO", "HELO", "LHLO", "STARTTLS", "AUTH",
 *     "MAIL FROM", "RCPT TO", "DATA", "end of DATA", "BDAT", "RSET", "VRFY", "EXPN", "QUIT"
 * @property {"positive"|"intermediate"|"transient"|"permanent"|null} severity
 *     what the reply means for delivery: the basic code's first digit when there is a basic code
 *     (SMTP clients act on it), otherwise the enhanced code's class
 * @property {boolean} mismatch       true when the basic code's first digit and the enhanced
 *     code's class disagree (e.g. "554 4.4.7")
 * @property {BasicInfo|null} basicInfo
 * @property {EnhancedInfo|null} enhancedInfo
 * @property {Note[]} notes           things the reader should know, in display order
 * @property {string} excerpt         the input line(s) the answer came from (at most 500 chars),
 *     suitable for sharing in a URL; "" when nothing was found
 * @property {string[]} alsoFound     other distinct codes seen in the text, e.g. ["220", "250"]
 *
 * @typedef {Object} Note
 * @property {string} kind   "not-found" | "binary" | "truncated" | "mismatch" | "unregistered" |
 *     "class-not-listed" | "generic" | "vendor" | "vendor-elsewhere" | "from-status" | "digit-range"
 * @property {string} text   one plain sentence (no markup)
 *
 * @typedef {Object} DigitInfo
 * @property {string} digit
 * @property {string|null} name      e.g. "Permanent Negative Completion"; null when undefined
 * @property {string|null} meaning
 *
 * @typedef {Object} BasicInfo
 * @property {string} code            "550"
 * @property {boolean} registered     true when the index has a page for this code
 * @property {string|null} severity   from the first digit
 * @property {string|null} label      the index's label for that severity, e.g. "Permanent failure"
 * @property {string|null} text       the RFC reply text, when there is one
 * @property {string} meaning         the entry's meaning, or an explanation built from the digits
 * @property {string|null} retry      one-sentence retry verdict (registered codes only)
 * @property {string|null} action     one-sentence key action (registered codes only)
 * @property {string|null} url        page URL relative to the site root (e.g. "550/"), or null
 * @property {{first: DigitInfo, second: DigitInfo}} digits
 * @property {string} explanation     what the first and second digits say
 *
 * @typedef {Object} EnhancedInfo
 * @property {string} code            "5.1.1" (or "X.7.26" for the class-less form)
 * @property {string|null} class      "2" | "4" | "5", or null for the X form
 * @property {string} subject         "1"
 * @property {string} detail          "1"
 * @property {string} key             "1.1": the registry key (subject.detail)
 * @property {boolean} registered     true when subject.detail is in the IANA registry
 * @property {boolean|null} classListed  false when the registry entry is not used with this class
 *     (the URL then points at the nearest class's page); null for the X form / unregistered codes
 * @property {string|null} severity   from the class
 * @property {string|null} label      the index's label for that severity, e.g. "Temporary failure"
 * @property {string|null} title      the vendor's title where its own meaning applies, else the registry's
 * @property {string|null} registryTitle  the registry title, or null for an unregistered code
 * @property {string} meaning         vendor meaning (where it applies), entry meaning, or class+subject explanation
 * @property {string|null} retry
 * @property {string|null} action
 * @property {string|null} url        page URL relative to the site root, or null
 * @property {Object<string,string>} urls  all class pages of the entry, e.g. {"4": "4.1.1/", "5": "5.1.1/"}
 * @property {{name: string, meaning: string}|null} classInfo
 * @property {{name: string, meaning: string}|null} subjectInfo
 * @property {string} explanation     what the class and subject say
 * @property {string|null} vendorUrl  the vendor's section on its provider page, when vendor is set
 * @property {{vendor: string, title: string, meaning: string, action: string|null, url: string|null}|null} vendor
 *     the vendor whose own meaning applies: the text carries one of its signs ("gsmtp", "RESOLVER."),
 *     or the code is not registered and this vendor uses it; other vendors' uses are only noted
 *
 * URLs are relative to the site root; resolve them against the index URL.
 */

// Only this much of the input is scanned: bounces put the failure near the top, and the rest is
// usually the returned message. Keeps a 1 MB paste fast. Long lines are cut for the same reason.
export const MAX_SCAN_CHARS = 256 * 1024;
const MAX_LINE_CHARS = 20000;
const MAX_EXCERPT_CHARS = 500;

// ---------------------------------------------------------------------------------------------
// 1. Tokenise: split the text into lines and note which DSN header (if any) each line belongs to.
// ---------------------------------------------------------------------------------------------

// Headers whose values are full of dates, ids, addresses and versions but never carry the reply
// code. Their lines (and folded continuation lines) are skipped so e.g. "id 15.0.847.32" in a
// Received: header can never be taken for a code.
const SKIPPED_HEADERS = new Set([
  "received", "date", "arrival-date", "last-attempt-date", "will-retry-until", "message-id",
  "in-reply-to", "references", "x-postfix-queue-id", "reporting-mta", "remote-mta",
  "received-from-mta", "final-recipient", "original-recipient", "original-envelope-id",
  "x-mailer", "user-agent", "mime-version", "content-type", "content-transfer-encoding",
  "content-id", "content-description", "dkim-signature", "arc-seal", "arc-message-signature",
  "arc-authentication-results", "authentication-results", "received-spf", "received-pra",
  "return-path", "from", "to", "cc", "bcc", "reply-to", "sender", "delivered-to", "x-original-to",
  "thread-index", "thread-topic", "x-ms-exchange-organization-scl", "x-originating-ip",
  "x-clientproxiedby", "x-ms-has-attach", "x-ms-tnef-correlator", "accept-language",
  "content-language", "x-google-smtp-source", "x-received", "x-gm-message-state", "x-spam-score",
  "x-spam-status", "list-unsubscribe", "feedback-id",
]);

const HEADER_RE = /^([A-Za-z][A-Za-z0-9-]{0,60}):[ \t]?/;

/**
 * Split text into lines. Each line: { text, index, header } where header is the lower-case
 * name of the DSN / mail header the line belongs to (also for folded continuation lines), or
 * null for ordinary text.
 */
function tokeniseLines(text) {
  const raw = text.split(/\r\n|\r|\n/);
  const lines = [];
  let header = null;
  for (let i = 0; i < raw.length; i++) {
    let t = raw[i];
    if (t.length > MAX_LINE_CHARS) t = t.slice(0, MAX_LINE_CHARS);
    if (t.trim() === "") {
      header = null; // a blank line ends a header block
    } else if (/^[ \t]/.test(t) && header !== null) {
      // folded continuation of the previous header: keep its header name
    } else {
      const m = HEADER_RE.exec(t);
      header = m ? m[1].toLowerCase() : null;
    }
    lines.push({ text: t, index: i, header });
  }
  return lines;
}

// ---------------------------------------------------------------------------------------------
// 2. Find candidates: basic codes (550) and enhanced codes (5.1.1, X.7.26) on each line, with
//    the checks that keep IP addresses, dates, versions, sizes, ports and ids out.
// ---------------------------------------------------------------------------------------------

// Plain linear regexes: fixed-width digits, no nested quantifiers, so no catastrophic backtracking.
const BASIC_RE = /[2-5]\d\d/g;
const ENHANCED_RE = /([245Xx])\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})/g;

// Words that, right before a number, say it is not a reply code.
const NOT_CODE_WORD_BEFORE = /\b(?:port|size|sizes|length|len|pid|uid|gid|id|queue|attempt|attempts|line|lines|page|step|limit|max|maximum|version|ver|v|rev|revision|release|build|exim|postfix|sendmail|qmail|openssl|tlsv?|ssl|rfc|errno|socket|http|https|ipv4|ipv6)\s*[:#=]?\s*$/i;
// A digit group right before a 3-digit number ("+1 555", "555 123"): a phone-like number.
const DIGIT_GROUP_BEFORE = /(?:(?:^|[^\d.])\d{1,4}[\s-]|\+\d*\s*)$/;
// Units after a number: it is a size or a duration, not a reply code.
const NOT_CODE_AFTER = /^\s*(?:bytes?\b|kb\b|kib\b|mb\b|mib\b|gb\b|octets\b|ms\b|msec\b|secs?\b|seconds?\b|mins?\b|minutes?\b|hrs?\b|hours?\b|days?\b|%)/i;
// Text that typically leads into a reply: start of line (after quoting marks), a header label,
// "said:", "smtp;", "returned '", transcript markers ("<<<", "In:", "Out:", "S:"), Exchange's "#".
const REPLY_LEAD = /(?:^[\s>|*#'"(\[]*|(?:^|\s)(?:<<<|>>>|in:|out:|s:|c:)\s*|\bsmtp;\s*|\bsaid:\s*|\breturned\s+['"]?|\b(?:error|reply|response|replied|responded|status|code|diagnostic-code)\s*:?\s*['"]?|[A-Za-z)\]]\s?:\s+|\s:\s*|;\s*|(?:^|\s)#|\(#|\[#)$/i;
// Text that typically leads into a standalone enhanced code.
const ENHANCED_LEAD = /(?:^[\s>|*'"(\[]*|(?:^|\s)(?:<<<|>>>|in:|out:|s:|c:)\s*|\bstatus:\s*|\bdsn=|(?:^|\s)#|\(#|\[#|\bsmtp;\s*)$/i;

// Up to 40 characters before a match, for the lead-in checks. When the line is cut, a marker
// replaces the line start so that "^" in the patterns only ever means the real start of line.
function textBefore(line, start) {
  return start <= 40 ? line.slice(0, start) : "\u0001" + line.slice(start - 40, start);
}

function isBoundaryBefore(line, start) {
  if (start === 0) return true;
  const prev = line[start - 1];
  const prev2 = start >= 2 ? line[start - 2] : " ";
  if (/[\s('"\[<=;,*|>]/.test(prev)) return true;
  // "#550" (Exchange) but not "DOC-1369#550" (a URL fragment); ": 550" / " :550" but not "host:587".
  if (prev === "#" || prev === ":") return /[\s(\[;]/.test(prev2) || start === 1;
  // "550-5.1.1": the hyphen of a multi-line reply, right after a basic code.
  if (prev === "-") return /\d/.test(prev2) && start >= 4 && /(?:^|[^\d])[2-5]\d\d$/.test(line.slice(Math.max(0, start - 5), start - 1));
  return false;
}

/** Basic code candidates on one line. */
function findBasic(line) {
  const found = [];
  BASIC_RE.lastIndex = 0;
  let m;
  while ((m = BASIC_RE.exec(line)) !== null) {
    const start = m.index;
    const end = start + 3;
    const code = m[0];
    if (!isBoundaryBefore(line, start)) continue;
    const next = line[end];
    const rest = line.slice(end, end + 16);
    // What may follow a code: end, space, "-" (multi-line reply), ":" "'" ")" etc.
    if (next !== undefined) {
      if (/[\w@\/\\%]/.test(next)) continue;                         // 5501, 550abc, 550@
      if (next === "." && /^\.\d/.test(rest)) continue;               // 192.0.2.1, 550.1
      if (next === "-" && /^-\d\d/.test(rest) && !/^-[245]\.\d/.test(rest)) continue; // 555-123-4567
      if (next === "]" && /\w\[$/.test(line.slice(Math.max(0, start - 2), start))) continue; // smtp[234]
      // 555 123 4567 is a phone number; Yahoo's "552 1 Requested mail action aborted" is a reply.
      if (/^\s+\d/.test(rest) && !/^\s+([245Xx]\.|\d\.)\d/.test(rest) && !/^\s+\d\s+[A-Za-z]/.test(rest)) continue;
      if (NOT_CODE_AFTER.test(rest)) continue;                        // 552 bytes, 421 seconds
    }
    const before = textBefore(line, start);
    if (NOT_CODE_WORD_BEFORE.test(before) || DIGIT_GROUP_BEFORE.test(before)) continue; // port 465, +1 555
    found.push({ code, start, end, lead: REPLY_LEAD.test(before) });
  }
  return found;
}

/** Enhanced code candidates on one line. */
function findEnhanced(line) {
  const found = [];
  ENHANCED_RE.lastIndex = 0;
  let m;
  while ((m = ENHANCED_RE.exec(line)) !== null) {
    const start = m.index;
    const end = start + m[0].length;
    const rest = line.slice(end, end + 3);
    // Not followed by more digits or dots-and-digits (5.1.1.2, 5.1.10x) or by id / address parts.
    if (/^(?:\d|\.\d|[A-Za-z_@]|-\d)/.test(rest)) continue;
    if (!isBoundaryBefore(line, start)) continue;
    const subject = Number(m[2]);
    if (subject > 7) continue; // subjects 0-7 are the only ones defined; 4.94.2 is a version
    const before = textBefore(line, start);
    if (NOT_CODE_WORD_BEFORE.test(before)) continue;                  // Exim 4.1.1, v2.4.5
    const cls = m[1] === "x" || m[1] === "X" ? null : m[1];
    found.push({
      code: (cls ?? "X") + "." + m[2] + "." + m[3],
      cls, subject: m[2], detail: m[3], start, end,
      lead: ENHANCED_LEAD.test(before),
    });
  }
  return found;
}

/**
 * Find reply candidates in all lines. A candidate is one reply: a basic code with the enhanced
 * code that follows it on the same line ("550 5.1.1", "550 Backend Replied [x]: 5.7.1"), or a
 * lone basic code, or a lone enhanced code ("Status: 5.0.0", "(#5.1.1)").
 */
function findCandidates(lines, index) {
  const candidates = [];
  for (const line of lines) {
    if (line.header !== null && SKIPPED_HEADERS.has(line.header)) continue;
    const t = line.text;
    if (!/\d/.test(t)) continue;
    if (t.length >= 60 && /^[A-Za-z0-9+\/=]+$/.test(t)) continue; // a base64 body line
    const basics = findBasic(t);
    const enhanceds = findEnhanced(t);
    const used = new Set();
    let j = 0;               // next enhanced code not yet passed (both lists are in line order)
    let lastBefore = null;   // the latest enhanced code before the current basic code
    basics.forEach((b, i) => {
      const limit = i + 1 < basics.length ? basics[i + 1].start : Infinity;
      while (j < enhanceds.length && enhanceds[j].start < b.end) lastBefore = enhanceds[j++];
      let e = null;
      if (j < enhanceds.length && enhanceds[j].start < limit) {
        // Pair with the first enhanced code after it and before the next basic code.
        e = enhanceds[j++];
      } else if (lastBefore && !used.has(lastBefore) && lastBefore.cls === b.code[0]) {
        // Exchange 2003 writes the enhanced code first: "<mx #5.5.0 smtp;554 Relay denied>".
        e = lastBefore;
      }
      if (e) used.add(e);
      candidates.push(makeCandidate(line, b, e, index));
    });
    for (const e of enhanceds) {
      if (!used.has(e)) candidates.push(makeCandidate(line, null, e, index));
    }
  }
  return candidates;
}

function makeCandidate(line, b, e, index) {
  return {
    basic: b ? b.code : null,
    enhanced: e ? e.code : null,
    line: line.index,
    header: line.header,
    lead: Boolean((b && b.lead) || (!b && e && e.lead)),
    registeredBasic: b ? Boolean(index.basic && index.basic[b.code]) : false,
  };
}

// ---------------------------------------------------------------------------------------------
// 3. Score and choose: the reply the text is about.
// ---------------------------------------------------------------------------------------------

function classOf(c) {
  if (c.basic) return c.basic[0];
  if (c.enhanced && c.enhanced[0] !== "X") return c.enhanced[0];
  return null;
}

function isNegative(c) {
  const k = classOf(c);
  return k === "4" || k === "5";
}

function isGenericStatus(c) {
  return c.enhanced !== null && /^[245]\.0\.0$/.test(c.enhanced);
}

/**
 * How sure we are that this candidate is the reply the text is about. Higher wins; a tie goes to
 * the later candidate (a transcript ends with the failure).
 */
function score(c, firstNegativeLine) {
  let s;
  if (c.basic && c.enhanced) s = 30;                 // "550 5.1.1": a full reply
  else if (c.basic && c.lead) s = 30;                // "550 User unknown" at a reply position
  else if (c.enhanced && c.lead) s = 20;             // "Status: 5.1.1", "(#5.1.1)"
  else s = 10;                                       // mid-sentence: "... code 550 ...", "...: 5.7.1"
  if (c.header === "diagnostic-code") s += 3;        // the DSN's own copy of the remote reply
  if (c.header === "status") s += 1;
  if (isGenericStatus(c)) s -= 5;                    // X.0.0 says only the class: prefer detail
  if (c.enhanced && c.enhanced[0] === "X") s -= 15;  // a code quoted generically, not a reply
  // Sendmail's "503 5.0.0 Need RCPT" merely follows the real RCPT failure.
  if (c.basic === "503" && firstNegativeLine !== null && firstNegativeLine < c.line) s -= 8;
  return s;
}

/**
 * Worth considering at all: a full reply, a code at a reply position, any enhanced code, or a
 * registered basic code. An unregistered 3-digit number mid-sentence is just a number.
 */
function isPlausible(c) {
  return Boolean(c.enhanced || c.lead || c.registeredBasic);
}

/** Pick the reply the text is about: the best-scored negative reply, else the best of all. */
function choose(candidates) {
  const usable = candidates.filter(isPlausible);
  if (usable.length === 0) return null;
  const negatives = usable.filter(isNegative);
  const pool = negatives.length > 0 ? negatives : usable;
  const firstNegativeLine = negatives.length > 0 ? negatives[0].line : null;
  let best = null;
  let bestScore = -Infinity;
  for (const c of pool) {
    const s = score(c, firstNegativeLine);
    if (s >= bestScore) { best = c; bestScore = s; } // ">=": later candidates win ties
  }
  return best;
}

/**
 * A DSN may give the basic code in Diagnostic-Code and the enhanced code only in Status:
 * borrow the Status code when the chosen reply has none (same class only).
 */
function complementFromStatus(chosen, candidates) {
  if (!chosen.basic || chosen.enhanced) return null;
  const statuses = candidates.filter((c) => c.header === "status" && !c.basic && c.enhanced
    && c.enhanced[0] === chosen.basic[0]);
  if (statuses.length === 0) return null;
  return statuses.find((c) => !isGenericStatus(c)) ?? statuses[statuses.length - 1];
}

// ---------------------------------------------------------------------------------------------
// 4. Command: which SMTP command the reply answered, when the text says so.
// ---------------------------------------------------------------------------------------------

// Line markers of session transcripts: Sendmail ">>> cmd" / "<<< reply", Postfix "In:" / "Out:"
// (either direction, depending on who wrote it), RFC style "C:" / "S:".
const TRANSCRIPT_MARK = "(?:(?:>>>|<<<|in:|out:|c:|s:)\\s*)?";
const COMMAND_WORDS = "end of data|mail from|rcpt to|data|ehlo|helo|lhlo|starttls|auth|bdat|rset|vrfy|expn|quit|noop";
// Postfix: "(in reply to RCPT TO command)", "(in reply to end of DATA command)"; Exim: "after
// RCPT TO:<bob@...>", "after end of data", "after initial connection"; Postfix: "refused to talk
// to me" (a rejected greeting).
const PHRASE_RE = new RegExp(
  "\\bin reply to (?:the )?(" + COMMAND_WORDS + ") command\\b" +
  "|\\bin reply to (?:the )?(initial greeting)\\b" +
  "|\\bafter (?:pipelined )?(" + COMMAND_WORDS + "|initial connection)\\b" +
  "|\\b(refused to talk to me)\\b", "i");
// A client command line in a session transcript: "RCPT TO:<bob>", ">>> RCPT To:<bob>",
// "Out: DATA", "C: EHLO x". Strict shapes, so prose starting with "Data ..." does not count.
const CLIENT_LINE_RE = new RegExp("^\\s*" + TRANSCRIPT_MARK + "(mail from(?=\\s*:)|rcpt to(?=\\s*:)|" +
  "(?:data|starttls|rset|quit|noop)(?=\\s*$)|(?:ehlo|helo|lhlo|auth|bdat|vrfy|expn)(?=\\s+\\S))", "i");
const DATA_GO_AHEAD_RE = new RegExp("^\\s*" + TRANSCRIPT_MARK + "354\\b", "i");
const END_OF_DATA_RE = new RegExp("^\\s*" + TRANSCRIPT_MARK + "\\.\\s*$", "i");

function normaliseCommand(word) {
  const w = word.toLowerCase().replace(/\s+/g, " ");
  if (w === "end of data") return "end of DATA";
  if (/connection|greeting|talk to me/.test(w)) return "CONNECT";
  return w.toUpperCase();
}

/**
 * Find the command the chosen reply answered: a phrase on the reply's own line wins; otherwise
 * the nearer of (a) the nearest phrase anywhere and (b) the last client command line of a
 * session transcript before the reply.
 */
function findCommand(lines, replyLine) {
  let phrase = null;
  for (const line of lines) {
    if (line.header !== null && SKIPPED_HEADERS.has(line.header)) continue;
    const p = PHRASE_RE.exec(line.text);
    if (p) {
      const dist = Math.abs(line.index - replyLine);
      if (!phrase || dist < phrase.dist) {
        phrase = { dist, command: normaliseCommand(p[1] || p[2] || p[3] || p[4]), line: line.index };
      }
    }
  }
  if (phrase && phrase.dist === 0) return phrase;
  const client = lastClientCommand(lines, replyLine);
  if (client && (!phrase || client.dist <= phrase.dist)) return client;
  return phrase;
}

/** In a session transcript, the last client command before the reply (looking back 60 lines). */
function lastClientCommand(lines, replyLine) {
  let sawDataReply = false; // a 354 between DATA and the reply: the reply ended the data
  for (let i = replyLine - 1; i >= 0 && i >= replyLine - 60; i--) {
    const t = lines[i].text;
    if (DATA_GO_AHEAD_RE.test(t)) sawDataReply = true;
    if (END_OF_DATA_RE.test(t)) return { dist: replyLine - i, command: "end of DATA", line: i };
    const m = CLIENT_LINE_RE.exec(t);
    if (m) {
      const command = normaliseCommand(m[1]);
      return { dist: replyLine - i, command: command === "DATA" && sawDataReply ? "end of DATA" : command, line: i };
    }
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// 5. Describe: what the index says about each code, or what its digits say.
// ---------------------------------------------------------------------------------------------

function digitInfo(table, digit) {
  const e = table && table[digit];
  return { digit, name: e ? e.name ?? null : null, meaning: e ? e.meaning ?? null : null };
}

function describeBasic(code, index, notes) {
  const entry = (index.basic && index.basic[code]) || null;
  const first = digitInfo(index.first_digits, code[0]);
  const second = digitInfo(index.second_digits, code[1]);
  const firstEntry = (index.first_digits && index.first_digits[code[0]]) || null;
  const severity = firstEntry ? firstEntry.severity ?? null : null;
  const explanation =
    `${code[0]}xx: ${first.name ?? "undefined first digit"}${first.meaning ? ": " + first.meaning : "."} ` +
    (second.name
      ? `x${code[1]}x: ${second.name}${second.meaning ? ": " + second.meaning : "."}`
      : `x${code[1]}x: RFC 5321 defines second digits 0 to 5 only, so ${code[1]} carries no standard meaning.`);
  if (!entry) {
    notes.push({ kind: "unregistered", text: `${code} is not a registered SMTP reply code; it is explained from its first and second digits.` });
    if (!second.name) notes.push({ kind: "digit-range", text: `The second digit ${code[1]} is outside the range 0-5 that RFC 5321 defines; read the first digit only.` });
  }
  return {
    code,
    registered: Boolean(entry),
    severity,
    label: firstEntry ? firstEntry.label ?? null : null,
    text: entry ? entry.text ?? null : null,
    meaning: entry && entry.meaning ? entry.meaning : explanation,
    retry: entry ? entry.retry ?? null : null,
    action: entry ? entry.action ?? null : null,
    url: entry ? entry.url ?? null : null,
    digits: { first, second },
    explanation,
  };
}

/** For a class the entry does not list, the page of the nearest listed class (4 <-> 5 first). */
function nearestClass(cls, classes) {
  const n = Number(cls);
  const sorted = classes.map(Number).sort((a, b) => Math.abs(a - n) - Math.abs(b - n) || b - a);
  return sorted.length > 0 ? String(sorted[0]) : null;
}

/**
 * The vendor whose own meaning of `code` applies to this text: one whose signs (such as "gsmtp" or
 * "RESOLVER.") appear in it, or, for a code the registry does not have, the first vendor that uses it.
 * A registered code from anyone else keeps its registered meaning.
 */
function applicableVendor(vendorEntries, registered, text) {
  const haystack = text.toLowerCase();
  const shown = vendorEntries.find((v) => (v.signs || []).some((sign) => haystack.includes(sign.toLowerCase())));
  return shown || (registered ? null : vendorEntries[0] || null);
}

function describeEnhanced(code, index, notes, text) {
  const [clsPart, subject, detail] = code.split(".");
  const cls = clsPart === "X" ? null : clsPart;
  const key = subject + "." + detail;
  const entry = (index.enhanced && index.enhanced[key]) || null;
  // index.vendor[code] lists every vendor that gives this concrete code a meaning of its own.
  const vendorEntries = (cls && index.vendor && index.vendor[code]) || [];
  const vendorEntry = applicableVendor(vendorEntries, Boolean(entry), text);
  const classInfo = cls && index.classes && index.classes[cls]
    ? { name: index.classes[cls].name, meaning: index.classes[cls].meaning } : null;
  const subjectInfo = index.subjects && index.subjects[subject]
    ? { name: index.subjects[subject].name, meaning: index.subjects[subject].meaning } : null;
  const classEntry = (cls && index.classes && index.classes[cls]) || null;
  const severity = classEntry ? classEntry.severity ?? null : null;
  const explanation = [
    cls ? `${cls}.x.x: ${classInfo ? classInfo.name + (classInfo.meaning ? ": " + classInfo.meaning : "") : "unknown class"}`
      : "X.x.x: the class is left open (2, 4 or 5).",
    `x.${subject}.x: ${subjectInfo ? subjectInfo.name + (subjectInfo.meaning ? ": " + subjectInfo.meaning : "") : "undefined subject"}`,
  ].join(" ");

  const urls = entry && entry.urls ? entry.urls : {};
  const classes = entry && Array.isArray(entry.classes) ? entry.classes.map(String) : Object.keys(urls);
  let url = null;
  let classListed = null;
  if (entry) {
    if (cls) {
      classListed = classes.includes(cls);
      if (classListed) {
        url = urls[cls] ?? null;
      } else {
        const near = nearestClass(cls, classes);
        url = near ? urls[near] ?? null : null;
        notes.push({ kind: "class-not-listed", text: `The registry entry X.${key} is not normally used with class ${cls}` +
          (near ? `; the link goes to the ${near}.${key} page.` : ".") });
      }
    } else {
      // X form: link the most severe class page the entry has (the one most readers need).
      const last = classes.slice().sort().pop();
      url = last ? urls[last] ?? null : null;
      notes.push({ kind: "generic", text: `X.${key} is the class-less form: the same condition is reported as ` +
        (classes.length ? classes.map((c) => `${c}.${key}`).join(" or ") : `2.${key}, 4.${key} or 5.${key}`) + "." });
    }
  } else {
    notes.push({ kind: "unregistered", text: `${code} is not in the IANA registry; it is explained from its class and subject.` });
  }
  let vendor = null;
  if (vendorEntry) {
    vendor = { vendor: vendorEntry.vendor, title: vendorEntry.title, meaning: vendorEntry.meaning,
      action: vendorEntry.action ?? null, url: vendorEntry.url ?? null };
    notes.push({ kind: "vendor", text: entry
      ? `The text comes from ${vendor.vendor}, which uses ${code} with a meaning of its own; in the IANA registry it is "${entry.title}".`
      : `${code} is a ${vendor.vendor} code: ${vendor.title}.` });
  }
  for (const other of vendorEntries.filter((v) => v !== vendorEntry)) {
    notes.push({ kind: "vendor-elsewhere", text: `${other.vendor} uses ${code} with a meaning of its own: ${other.title}.` });
  }
  return {
    code, class: cls, subject, detail, key,
    registered: Boolean(entry),
    registryTitle: entry ? entry.title ?? null : null,
    classListed,
    severity,
    label: classEntry ? classEntry.label ?? null : null,
    // Where a vendor's own meaning applies, it leads; the registry's stays in registryTitle.
    title: vendor ? vendor.title : entry ? entry.title ?? null : null,
    meaning: vendor && vendor.meaning ? vendor.meaning : entry && entry.meaning ? entry.meaning : explanation,
    retry: vendor ? null : entry ? entry.retry ?? null : null,
    action: vendor ? vendor.action : entry ? entry.action ?? null : null,
    url: url ?? (vendor ? vendor.url : null),
    vendorUrl: vendor ? vendor.url : null,
    urls,
    classInfo, subjectInfo, explanation, vendor,
  };
}

// ---------------------------------------------------------------------------------------------
// decode(): put it together.
// ---------------------------------------------------------------------------------------------

const SEVERITY_WORDS = { positive: "success", intermediate: "intermediate reply", transient: "temporary failure", permanent: "permanent failure" };

function emptyResult(notes) {
  return {
    found: false, basic: null, enhanced: null, command: null, severity: null, mismatch: false,
    basicInfo: null, enhancedInfo: null, notes, excerpt: "", alsoFound: [],
  };
}

function looksBinary(text) {
  const sample = text.slice(0, 4096);
  let control = 0;
  for (let i = 0; i < sample.length; i++) {
    const c = sample.charCodeAt(i);
    if ((c < 32 && c !== 9 && c !== 10 && c !== 13) || c === 0xfffd) control++;
  }
  return sample.length > 0 && control / sample.length > 0.05;
}

/**
 * Decode a reply code, an SMTP reply, or a whole bounce.
 * @param {string} text  what the user pasted
 * @param {object} index the parsed lookup-index.json
 * @returns {DecodeResult}
 */
export function decode(text, index) {
  index = index || {};
  const input = typeof text === "string" ? text : "";
  if (input.trim() === "") {
    return emptyResult([{ kind: "not-found", text: "Nothing to decode yet: paste a reply code such as 550 or 5.1.1, an SMTP reply, or a whole bounce." }]);
  }
  if (looksBinary(input)) {
    return emptyResult([{ kind: "binary", text: "This looks like binary data, not text: no SMTP reply code found. Paste the bounce as text." }]);
  }
  const notes = [];
  let scanned = input;
  if (input.length > MAX_SCAN_CHARS) {
    scanned = input.slice(0, MAX_SCAN_CHARS);
    const lastNewline = scanned.lastIndexOf("\n");
    if (lastNewline > MAX_SCAN_CHARS / 2) scanned = scanned.slice(0, lastNewline); // no half line
    notes.push({ kind: "truncated", text: `The text is long: only the first ${Math.round(MAX_SCAN_CHARS / 1024)} KB were scanned.` });
  }

  const lines = tokeniseLines(scanned);
  const candidates = findCandidates(lines, index);
  const chosen = choose(candidates);
  if (!chosen) {
    return emptyResult([...notes, { kind: "not-found", text: "No SMTP reply code found. Paste a code such as 550 or 5.1.1, an SMTP reply line, or the whole bounce." }]);
  }

  let basic = chosen.basic;
  let enhanced = chosen.enhanced;
  const usedLines = [chosen.line];
  const status = complementFromStatus(chosen, candidates);
  if (status) {
    enhanced = status.enhanced;
    usedLines.push(status.line);
    notes.push({ kind: "from-status", text: `The reply has no enhanced code; ${enhanced} comes from the DSN's Status: field.` });
  }

  const cmd = findCommand(lines, chosen.line);
  if (cmd) usedLines.push(cmd.line);

  const basicInfo = basic ? describeBasic(basic, index, notes) : null;
  const enhancedInfo = enhanced ? describeEnhanced(enhanced, index, notes, scanned) : null;

  let mismatch = false;
  if (basicInfo && enhancedInfo && enhancedInfo.class && enhancedInfo.class !== basic[0]) {
    mismatch = true;
    notes.unshift({
      kind: "mismatch",
      text: `${basic} is a ${SEVERITY_WORDS[basicInfo.severity] ?? "reply"} but ${enhanced} says ` +
        `${SEVERITY_WORDS[enhancedInfo.severity] ?? "another class"}. RFC 2034 requires the classes to agree; ` +
        `SMTP clients act on the basic code, so treat it as a ${SEVERITY_WORDS[basicInfo.severity] ?? "reply"}.`,
    });
  }

  const excerpt = [...new Set(usedLines)].sort((a, b) => a - b)
    .map((i) => lines[i].text.trim()).join("\n").slice(0, MAX_EXCERPT_CHARS);

  const shown = new Set([basic, enhanced]);
  const alsoFound = [];
  for (const c of candidates.filter(isPlausible)) {
    for (const code of [c.basic, c.enhanced]) {
      if (code && !shown.has(code) && alsoFound.length < 8) { shown.add(code); alsoFound.push(code); }
    }
  }

  return {
    found: true,
    basic,
    enhanced,
    command: cmd ? cmd.command : null,
    severity: basicInfo ? basicInfo.severity : enhancedInfo ? enhancedInfo.severity : null,
    mismatch,
    basicInfo,
    enhancedInfo,
    notes,
    excerpt,
    alsoFound,
  };
}
