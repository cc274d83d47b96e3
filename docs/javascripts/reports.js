/**
 * reports.js: the human-readable part of a non-delivery report, read recipient by recipient.
 *
 * Pure ES module. MTAs word their reports differently but lay them out alike: each failed address
 * stands at the start of a line (Postfix "<bob@example.org>: host ... said: 550 ...", Exim
 * "  bob@example.org\n    SMTP error from remote mail server after RCPT TO:...", Sendmail and qmail
 * "<bob@example.org>:\n...", Exchange "bob@example.org\nRemote Server returned '550 ...'"), or is
 * named in a sentence ("Your message wasn't delivered to bob@example.org because ...", Gmail,
 * Exchange Online). The text from one such address to the next is that recipient's part.
 *
 *   ownText(text)       -> the report without the returned message that follows it
 *   readReportText(text) -> [{ address, text }] in order, one per address (null address: the report
 *                          names none)
 *   remoteServerIn(text, phrases) -> the server a recipient's text names as the one that replied
 *   hostOf(value)       -> the host of a DSN Remote-MTA value, without its comment
 */

const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** A regular expression for lines that start with one of the marks (data/formats.yaml). */
const marks = new WeakMap();
function lineStart(list) {
  let re = marks.get(list);
  if (!re) {
    const escaped = list.map((mark) => escape(mark).replace(/\s+/g, "\\s+"));
    re = new RegExp(`^[ \\t]*(?:${escaped.join("|") || "(?!)"})`, "im");
    marks.set(list, re);
  }
  return re;
}

/**
 * The report's own text: everything before the returned original. A report forwarded by someone
 * ("---------- Forwarded message ---------", "-----Original Message-----") starts after the mark,
 * when the words above it hold no reply; `>` quoting of a forwarded copy is taken off. The marks
 * are those of data/formats.yaml, in the index.
 */
export function ownText(text, hasReply, formats = {}) {
  let body = text;
  const forward = lineStart(formats.forwarded || []);
  for (let i = 0; i < 3; i++) {
    const m = forward.exec(body);
    if (!m || hasReply(body.slice(0, m.index))) break;
    const lineEnd = body.indexOf("\n", m.index);
    body = lineEnd === -1 ? "" : body.slice(lineEnd + 1);
  }
  if (/^>/m.test(body) && (body.match(/^>/gm) || []).length > body.split("\n").length / 3) {
    body = body.replace(/^(?:> ?)+/gm, "");
  }
  // The returned original follows the report: a mark with nothing of the report before it is not it.
  const returned = lineStart(formats.returned || []);
  let from = 0;
  for (let m = returned.exec(body); m; m = returned.exec(body.slice(from))) {
    const at = from + m.index;
    if (hasReply(body.slice(0, at)) || body.slice(0, at).trim().length > 200) return body.slice(0, at);
    from = at + m[0].length;
  }
  return body;
}

// An address, also with letters beyond ASCII (RFC 6531: "josé@example.org"), never with punctuation
// such as the full-width colon of "收件人：carol@example.net".
const ADDRESS = "[\\p{L}\\p{N}.!#$%&'*+/=?^_`{|}~-]{1,64}@(?:[\\p{L}\\p{N}](?:[\\p{L}\\p{N}-]{0,62}[\\p{L}\\p{N}])?\\.)+\\p{L}{2,63}";
export const ADDRESS_RE = new RegExp(ADDRESS, "u");
// An address that starts its line (after quoting, bullets, brackets): a recipient's part begins.
// A label that names the recipient before the address, in the report's language.
const LABEL = "(?:(?:original |final )?recipient|destinataire|empf[äa]nger|destinatario|destinatário|ontvanger|получатель|収件人|收件人|宛先|受信者|받는\\s*사람|수신자)\\s*[:：]\\s*";
const ANCHOR_LINE = new RegExp(`^[\\s>*\\-•]*(?:${LABEL})?(?:["'<(\\[]\\s*)?(${ADDRESS})(?:\\s*[>"')\\]])?\\s*(?:$|:|\\.\\.\\.|,|\\s[\\(\\[<]|\\s+[-–]\\s|\\s+(?:said|host|on|failed|because|SMTP|\\d{3}\\b)|\\s+\\S+@)`, "u");
// Words that, shortly before an address, say the sentence names the recipient a report is about.
const NAMED_BEFORE = /(?:delivered to|delivery to|deliver(?:ed)? your message to|your message to|message to|sent to|addressed to|received by|recipient|address(?:es)?:|destinataire|empf[äa]nger|destinatario|destinatário|ontvanger|получател[ья]|宛先|收件人)[^@\n]{0,40}$/iu;
// The last resort: the To: of the returned original or of a transcript, after the transcript's
// time stamp ("Mon 2026-12-01 14:00:00.011: *  To: bob@...").
const TO_LINE = /^(?:[^@\n]{0,40}:\s+)?[\s>*]*to:\s*[^@\n]{0,60}$/imu;
const ADDRESS_AT = new RegExp(`(${ADDRESS})`, "uy");

const LOCAL_CHAR = /[\p{L}\p{N}.!#$%&'*+/=?^_`{|}~-]/u;

/**
 * The addresses in a text, each with where it starts, looked for only around each "@" (a search
 * from every position would cost a long line of letters 64 steps a character). `accept(start)`
 * filters them; at most `limit` are returned.
 */
export function addressesIn(text, { limit = 200, accept = null, upTo = 200000 } = {}) {
  const found = [];
  const end = Math.min(text.length, upTo);
  for (let at = text.indexOf("@"), seen = 0; at !== -1 && at < end && seen < 1000 && found.length < limit; at = text.indexOf("@", at + 1), seen++) {
    let start = at;
    while (start > 0 && at - start < 64 && LOCAL_CHAR.test(text[start - 1])) start--;
    if (start === at) continue;
    ADDRESS_AT.lastIndex = start;
    const m = ADDRESS_AT.exec(text);
    if (m && (!accept || accept(start))) found.push({ address: m[1], start });
  }
  return found;
}

/** The first address a sentence names as the recipient, else the first a To: line names. */
function namedRecipient(text) {
  const before = (start) => text.slice(Math.max(0, start - 100), start).replace(/["'<(]$/, "");
  const [named] = addressesIn(text, { limit: 1, upTo: 100000, accept: (start) => NAMED_BEFORE.test(before(start)) });
  if (named) return named.address;
  const [to] = addressesIn(text, { limit: 1, upTo: 100000, accept: (start) => TO_LINE.test(before(start).split("\n").pop()) });
  return to ? to.address : null;
}
// Lines of mail headers inside a report (the original's To:, the report's own From:) name other
// people: they are never a recipient's part.
const HEADER_LINE = /^(?:from|to|cc|bcc|reply-to|return-path|sender|delivered-to|x-original-to|envelope-to|x-failed-recipients|message-id|references|in-reply-to|received|subject|date|original-recipient|final-recipient|x-postfix-sender|received-from-mta)\s*:/i;

function normalAddress(address) {
  return address.replace(/^[<("']+|[>)"'.,;:]+$/g, "").toLowerCase();
}

/**
 * The report's recipients and the text that belongs to each, in order. An address written twice
 * (Exchange names it once for the user, once for the admin) gathers both parts.
 */
export function readReportText(text) {
  const lines = text.split(/\r?\n/);
  const anchors = [];
  for (let i = 0; i < lines.length; i++) {
    // An anchor names its address near the start of its line.
    const at = lines[i].indexOf("@");
    if (at === -1 || at > 120) continue;
    const line = lines[i].slice(0, 400);
    if (HEADER_LINE.test(line.trim())) continue;
    const m = ANCHOR_LINE.exec(line);
    if (m) anchors.push({ line: i, address: normalAddress(m[1]) });
  }
  if (anchors.length === 0) {
    const named = namedRecipient(text);
    return [{ address: named ? normalAddress(named) : null, text }];
  }
  const parts = new Map();
  // Text before the first address (the report's opening) goes with the first recipient when a
  // sentence there names it; otherwise it is context for every recipient and is left out.
  anchors.forEach((anchor, k) => {
    const end = k + 1 < anchors.length ? anchors[k + 1].line : lines.length;
    const chunk = lines.slice(anchor.line, end).join("\n");
    const known = parts.get(anchor.address);
    if (known) known.text += "\n" + chunk;
    else parts.set(anchor.address, { address: anchor.address, text: chunk, line: anchor.line });
  });
  const opening = lines.slice(0, anchors[0].line).join("\n");
  const named = namedRecipient(opening);
  if (named && parts.has(normalAddress(named))) {
    const part = parts.get(normalAddress(named));
    part.text = opening + "\n" + part.text;
  }
  return [...parts.values()].map(({ address, text: partText }) => ({ address, text: partText, opening }));
}

// ---------------------------------------------------------------------------------------------
// The server that replied
// ---------------------------------------------------------------------------------------------

// A host name or an IP address (v4, or v6 loosely), as reports name the server that replied.
const HOST = "((?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,}|\\d{1,3}(?:\\.\\d{1,3}){3}|[0-9a-f]{0,4}(?::[0-9a-f]{0,4}){2,7})";

const HOST_AT_END = new RegExp(`${HOST}$`, "i");
const serverPatterns = new WeakMap();

/** The server a recipient's text names as the one that replied, by the phrases of
 * data/formats.yaml ("host {host}[", "while talking to {host}"), lower case, or null. */
export function remoteServerIn(text, phrases = []) {
  let patterns = serverPatterns.get(phrases);
  if (!patterns) {
    const words = (part) => part.split(/\s*\*\s*/).map((w) => escape(w).replace(/\s+/g, "\\s+")).join("[^\\n]{0,40}?");
    patterns = phrases.map((phrase) => {
      const [before, after = ""] = phrase.split("{host}");
      // A phrase that starts with the host ("{host} does not like") is found by its words, and
      // the host read back from them: a pattern that starts with a host name would try one at
      // every character of the text.
      return before.trim() ? { re: new RegExp(words(before) + HOST + words(after), "i") }
        : { after: new RegExp(words(after), "gi") };
    });
    serverPatterns.set(phrases, patterns);
  }
  for (const { re, after } of patterns) {
    if (re) {
      const m = re.exec(text);
      if (m) return m[1].toLowerCase();
      continue;
    }
    after.lastIndex = 0;
    let m;
    while ((m = after.exec(text)) !== null) {
      const host = HOST_AT_END.exec(text.slice(Math.max(0, m.index - 255), m.index));
      if (host) return host[1].toLowerCase();
    }
  }
  return null;
}

/** The host of a DSN Remote-MTA value: "gmail-smtp-in.l.google.com. (2001:db8::1b, the server
 * for the domain gmail.com.)" is "gmail-smtp-in.l.google.com". */
export function hostOf(value) {
  if (!value) return null;
  const host = value.trim().split(/[\s(]/)[0].replace(/^\[|\]$/g, "").replace(/\.$/, "");
  return host || null;
}
