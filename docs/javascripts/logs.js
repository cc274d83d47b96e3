/**
 * logs.js: mail logs and bounce exports, read record by record, and grouped into problems.
 *
 * Pure ES module. It reads, also mixed in one paste:
 *   - Postfix:  "postfix/smtp[123]: 4F9D2C1A3B: to=<bob@example.org>, ..., dsn=5.1.1, status=bounced (host ... said: 550 ...)"
 *   - Exim:     "1rABCD-000123-AB ** bob@example.org ...: 550 ..." ("==" deferred, "=>" / "->" delivered)
 *   - Sendmail: "sm-mta[1234]: xB1A0001234: to=<bob@example.org>, ..., dsn=5.1.1, stat=User unknown"
 *   - Exchange Server message tracking CSV (#Fields: header) and the Microsoft 365 message trace CSV
 *   - JSON events of sending services (Amazon SES, SendGrid, Mailgun, Postmark, SparkPost, Mandrill,
 *     Brevo): an array, one object, JSON lines or Mandrill's url-encoded mandrill_events=; the field
 *     names come from data/formats.yaml (in the index)
 * A line that looks like a delivery record but cannot be read is counted as unreadable, never
 * silently dropped.
 *
 *   isLog(text, index)           -> whether the text is a log or an export (two records or more, or JSON events)
 *   createLogReader(index)       -> { push(chunk), end() }: records of a text given in chunks
 *   createTriage(index)          -> { push(chunk), end() }: the triage table of a text given in chunks (the worker streams a file)
 *   readLog(text, index)         -> the DecodeResult of a log: kind "log", one recipient per record
 *   groupRecipients(recipients)  -> the failures and deferrals grouped by action, codes and reason, with counts
 *   mergeTables(first, second)   -> the table of a log from the tables of its two parts
 */

import { readReply } from "./replies.js";
import { providerOf, reasonOf } from "./reasons.js";

const MAX_REPLY_CHARS = 500;

// ---------------------------------------------------------------------------------------------
// Line formats
// ---------------------------------------------------------------------------------------------

const ADDRESS = "[^\\s<>@,;]+@[^\\s<>@,;:]+";
// A Postfix delivery line is read by one sticky expression, tried only at the daemon's name before
// the line's first "to=<" (tried from every place, it would be quadratic on a long line), and by
// plain string searches for the rest: a log has hundreds of thousands of them (see bench/, part h).
const POSTFIX_ACTIONS = { sent: "delivered", bounced: "failed", expired: "failed", undeliverable: "failed", deferred: "delayed" };
// From the daemon's name to the status word: the first " status=" after the address.
const POSTFIX_DELIVERY = new RegExp(`postfix(?:-[\\w.-]+)?\\/(?:smtp|lmtp|local|virtual|pipe|error|discard|relay|retry|qmgr)\\[\\d+\\]:\\s+[0-9A-Za-z]+:\\s+`
  + `to=<(${ADDRESS})>,(?:(?! status=)[^\\n])* status=(${Object.keys(POSTFIX_ACTIONS).join("|")})(?![a-z])`, "y");
const DSN_AT = /[245]\.\d{1,3}\.\d{1,3}\b/y;
const POSTFIX_REJECT = new RegExp(`\\bpostfix(?:-[\\w.-]+)?\\/(?:smtpd|postscreen)\\[\\d+\\]:\\s+NOQUEUE:\\s+reject:\\s+\\S+\\s+from\\s+[^:]*:\\s+(.*?);\\s+from=<[^>]*>\\s+to=<(${ADDRESS})>`);
const EXIM = new RegExp(`^(\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d(?:\\.\\d+)?)\\s+(?:\\[\\d+\\]\\s+)?(?:[0-9A-Za-z]{6}-[0-9A-Za-z]{6,11}-[0-9A-Za-z]{2,4})\\s+(\\*\\*|==|=>|->)\\s+(${ADDRESS})(.*)$`);
const EXIM_ACTIONS = { "**": "failed", "==": "delayed", "=>": "delivered", "->": "delivered" };
// Exim's fields before its reply (R=router T=transport H=host [ip] X=tls C="..."), its errno and
// the original address in angle brackets.
const EXIM_FIELDS = /^\s*(?:(?:<[^>]*>|\([^)]*\)|[A-Za-z]+=(?:"[^"]*"|\S+)|\[[^\]]*\](?::\d+)?:?|defer \(-?\d+\):?|K|\*)\s*)*:?\s*/;
const EXIM_CONFIRMATION = /\bC="([^"]*)"/;
const SENDMAIL_DAEMON = /\b(?:sendmail|sm-mta|sm-msp-queue)\[\d+\]:/g;
// Tried at the daemon's first mark only (sticky): from every mark of a long line, quadratic.
const SENDMAIL = /(?:sendmail|sm-mta|sm-msp-queue)\[\d+\]:\s+[0-9A-Za-z]+:\s+to=(\S+?),\s+(.*?)\bstat=(.*)$/y;
const DSN_FIELD = /\bdsn=([245]\.\d{1,3}\.\d{1,3})/;
// What makes a line look like a delivery record of some format, even when it cannot be read. A
// pair of marks is looked for as the second after the first place of the first: one expression
// `first.*second` would be tried from every place the first occurs, quadratic on a long line that
// repeats it.
const RECORD_MARK = /\bNOQUEUE: reject:|^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\S*\s+(?:\[\d+\]\s+)?\S+\s+(?:\*\*|==|=>|->)\s/;
const RECORD_MARK_PAIRS = [
  [/\bto=/g, new RegExp(`\\bstatus=(?:${Object.keys(POSTFIX_ACTIONS).join("|")})`, "g")],
  [SENDMAIL_DAEMON, /\bstat=/g],
];
const SYSLOG_TIME = /^(?:<\d+>\d?\s*)?((?:[A-Z][a-z]{2}\s+\d{1,2}\s+\d\d:\d\d:\d\d)|(?:\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)?))/;

const capReply = (t) => (t.length > MAX_REPLY_CHARS ? t.slice(0, MAX_REPLY_CHARS - 1) + "…" : t);
const trimReply = (text) => capReply(text.replace(/\s+/g, " ").trim());

/** The time a syslog line starts with: "Nov 29 10:15:01" (checked by its shape first) or ISO 8601. */
function syslogTime(line) {
  if (line.charCodeAt(3) === 32 && line.charCodeAt(9) === 58 && line.charCodeAt(12) === 58 && line.charCodeAt(6) === 32) return line.slice(0, 15);
  return (SYSLOG_TIME.exec(line) || [])[1] || null;
}

function readPostfix(line) {
  const to = line.indexOf("to=<");
  const daemon = to > 0 ? line.lastIndexOf("postfix", to) : -1;
  if (daemon >= 0) {
    POSTFIX_DELIVERY.lastIndex = daemon;
    const m = POSTFIX_DELIVERY.exec(line);
    if (m) return postfixDelivery(line, m[1], m[2], to + 4 + m[1].length, POSTFIX_DELIVERY.lastIndex);
  }
  const m = line.includes("NOQUEUE:") ? POSTFIX_REJECT.exec(line) : null;
  return m ? { format: "postfix", address: m[2], action: "failed", status: null, reply: m[1], time: syslogTime(line) } : null;
}

/** The record of a delivery line: its address and status word matched, the address ending at
 * `close` and the word at `end`. */
function postfixDelivery(line, address, word, close, end) {
  const at = end - word.length - 8; // " status="
  const action = POSTFIX_ACTIONS[word];
  const last = line.lastIndexOf(")");
  const reply = line.charCodeAt(end) === 32 && line.charCodeAt(end + 1) === 40 && last > end ? line.slice(end + 2, last) : "";
  const dsn = line.lastIndexOf(" dsn=", at);
  DSN_AT.lastIndex = dsn + 5;
  const status = dsn > close && DSN_AT.test(line) ? line.slice(dsn + 5, DSN_AT.lastIndex) : null;
  return { format: "postfix", address, action, status, reply, time: syslogTime(line), expired: word === "expired" };
}

function readExim(line) {
  const m = EXIM.exec(line);
  if (!m) return null;
  const action = EXIM_ACTIONS[m[2]];
  const rest = m[4];
  let reply;
  if (action === "delivered") {
    // The receiving server's confirmation, C="250 2.0.0 OK ...", where Exim logs it.
    reply = (EXIM_CONFIRMATION.exec(rest) || [])[1] || "";
  } else {
    // The reply follows "SMTP error from remote mail server after <command>:"; Exim's own reasons
    // ("Unrouteable address", "retry time not reached") follow its fields.
    const smtp = rest.indexOf("SMTP error from remote mail server");
    reply = smtp >= 0 ? rest.slice(smtp) : rest.replace(EXIM_FIELDS, "");
  }
  return { format: "exim", address: m[3], action, status: null, reply, time: m[1] };
}

function readSendmail(line) {
  const at = line.search(SENDMAIL_DAEMON);
  if (at < 0) return null;
  SENDMAIL.lastIndex = at;
  const m = SENDMAIL.exec(line);
  if (!m) return null;
  const stat = m[3].trim();
  const dsn = DSN_FIELD.exec(m[2]);
  const sent = /^sent\b/i.test(stat);
  if (/^queued\b/i.test(stat)) return null; // accepted into the queue, not yet tried
  const action = sent ? "delivered" : /^deferred\b/i.test(stat) || (dsn && dsn[1][0] === "4") ? "delayed" : "failed";
  // "Sent (<the server's words>)", "Deferred: <reason>", or the reason itself ("User unknown").
  const reply = sent ? (/^sent\s*\((.*)\)\s*$/i.exec(stat) || [])[1] || "" : stat.replace(/^deferred:\s*/i, "");
  const time = syslogTime(line);
  // One line may name several recipients: to=<a@example.org>,<b@example.org>
  const addresses = m[1].split(",").map((a) => a.replace(/^<|>$/g, "").trim()).filter(Boolean);
  return addresses.map((address) => ({ format: "sendmail", address, action, status: dsn ? dsn[1] : null, reply, time }));
}

/** The records of one line (a record or a list), or null (not a record), or "unreadable". The
 * cheap test of each format's mark comes before its regular expression. */
function readLine(line) {
  let record = line.includes("postfix") ? readPostfix(line) : null;
  if (!record && line.includes("stat=")) record = readSendmail(line);
  if (!record && line.charCodeAt(4) === 45 /* - */ && line.charCodeAt(10) === 32 /* space */) record = readExim(line);
  if (record && (!Array.isArray(record) || record.length)) return record;
  return hasRecordMark(line) ? "unreadable" : null;
}

function hasRecordMark(line) {
  if (RECORD_MARK.test(line)) return true;
  return RECORD_MARK_PAIRS.some(([first, second]) => {
    first.lastIndex = 0;
    if (!first.test(line)) return false;
    second.lastIndex = first.lastIndex;
    return second.test(line);
  });
}

// ---------------------------------------------------------------------------------------------
// CSV exports: Exchange Server message tracking, Microsoft 365 message trace (columns and event
// names from data/formats.yaml)
// ---------------------------------------------------------------------------------------------

function csvCells(line) {
  const cells = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') { cell += '"'; i++; }
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") { cells.push(cell); cell = ""; }
    else cell += c;
  }
  cells.push(cell);
  return cells;
}

// A header line names columns only: words, spaces, brackets, dots and hyphens between commas (no
// colon, which every log line has in its time).
const CSV_NAMES = /^"?[\w ().-]+"?(?:,"?[\w ().-]*"?)+\s*$/;

/** Whether a line may be a CSV header: Exchange's "#Fields:" line, or the first line of names. */
function isCsvHeader(line, csv) {
  return line.startsWith("#Fields:") || (!csv && line.length < 4000 && !line.includes(":") && CSV_NAMES.test(line) && /recipient/i.test(line));
}

const eventWord = (value) => String(value).toLowerCase().replace(/[\s_-]+/g, "");

/** The column numbers of a CSV header line, or null when it names no recipient and event columns. */
function csvHeader(line, formats) {
  const names = csvCells(line.replace(/^#Fields:\s*/i, "")).map((n) => n.trim().toLowerCase());
  const column = {};
  for (const [key, spellings] of Object.entries(formats.csv || {})) {
    column[key] = names.findIndex((n) => spellings.includes(n));
  }
  return column.address >= 0 && column.event >= 0 ? column : null;
}

function csvAction(event, formats) {
  for (const [action, words] of Object.entries(formats.csv_events || {})) {
    if (words.includes(event)) return action === "other" ? null : action;
  }
  return undefined;
}

function readCsvRow(line, column, formats) {
  const cells = csvCells(line);
  if (cells.length <= Math.max(column.address, column.event)) return "unreadable";
  const event = eventWord(cells[column.event].trim());
  const action = csvAction(event, formats);
  if (action === undefined) return "unreadable";
  if (action === null) return null;
  const addresses = cells[column.address].split(/;/).map((a) => a.trim()).filter(Boolean);
  if (!addresses.length || !addresses.every((a) => a.includes("@"))) return "unreadable";
  // Several recipients: their statuses in the same order, each starting with its reply code.
  const replies = column.reply >= 0 ? (cells[column.reply] || "").split(/;(?=\s*\d{3}[\s-])/) : [];
  const time = column.time >= 0 ? cells[column.time] || null : null;
  const said = Object.keys(formats.csv_reasons || {}).find((id) => formats.csv_reasons[id].includes(event)) ?? null;
  return addresses.map((address, i) => ({ format: "csv", address, action, status: null, reply: replies[i] ?? replies[0] ?? "", time, said }));
}

// ---------------------------------------------------------------------------------------------
// JSON events of sending services
// ---------------------------------------------------------------------------------------------

function eventAction(value, formats) {
  const word = String(value).toLowerCase().replace(/\s+/g, "").replace(/-/g, "_");
  for (const [action, words] of Object.entries(formats.events || {})) {
    if (words.includes(word)) return action;
  }
  return undefined;
}

/** Delivery records of a parsed JSON value: every object that names a recipient. */
function jsonRecords(value, formats) {
  const fields = formats.json || {};
  const records = [];
  // A field's value where it says something: a number or a text that is not blank.
  const valueOf = (object, name) => {
    const v = object[name];
    return v !== undefined && v !== null && typeof v !== "object" && String(v).trim() !== "" ? v : null;
  };
  const pick = (object, names) => {
    for (const name of names || []) {
      const v = valueOf(object, name);
      if (v !== null) return v;
    }
    return null;
  };
  // The values of the named fields in an object and the objects inside it (not in other
  // recipients): the first that carries a reply code, else the longest. Mailgun's "reason":
  // "bounce" is a label, its delivery-status.message or description the reply.
  const values = (object, names, depth, out) => {
    for (const name of names || []) {
      const v = valueOf(object, name);
      if (v !== null) out.push(v);
    }
    if (depth < 3) for (const v of Object.values(object)) if (v && typeof v === "object" && !Array.isArray(v)) values(v, names, depth + 1, out);
    return out;
  };
  const inside = (object, names) => {
    const found = values(object, names, 0, []);
    return found.find((v) => /\b[2-5]\d\d\b|\b[245]\.\d{1,3}\.\d{1,3}\b/.test(String(v)))
      ?? found.reduce((longest, v) => (longest === null || String(v).length > String(longest).length ? v : longest), null);
  };
  const walk = (node, context, depth) => {
    if (depth > 12 || node === null || typeof node !== "object") return;
    if (Array.isArray(node)) {
      for (const item of node) walk(item, context, depth + 1);
      return;
    }
    // The most telling event word among this object's event fields: a soft or temporary word
    // makes a "failed" or "bounce" a deferral (Mailgun's severity, Postmark's SoftBounce).
    let action = context.action;
    for (const name of fields.event || []) {
      if (node[name] === undefined || node[name] === null || typeof node[name] === "object") continue;
      const said = eventAction(node[name], formats);
      if (said === undefined) continue;
      if (action === undefined || said === "delayed" || (action === "delivered" && said !== "delivered")) action = said;
    }
    const here = { action, reply: pick(node, fields.reply) ?? context.reply, status: pick(node, fields.status) ?? context.status,
      server: pick(node, fields.server) ?? context.server, time: pick(node, fields.time) ?? context.time };
    const recipient = pick(node, fields.recipient);
    if (recipient && String(recipient).includes("@")) {
      records.push({ format: "json", address: String(recipient), action: here.action,
        status: inside(node, fields.status) ?? here.status, reply: inside(node, fields.reply) ?? here.reply ?? "",
        server: values(node, fields.server, 0, [])[0] ?? here.server, time: here.time });
      return;
    }
    for (const list of fields.recipient_lists || []) {
      if (Array.isArray(node[list]) && node[list].every((x) => typeof x === "string")) {
        for (const address of node[list]) {
          if (address.includes("@")) records.push({ format: "json", address, action: here.action, status: here.status,
            reply: pick(node, fields.reply) ?? "", time: here.time });
        }
      }
    }
    // A notification carried as a JSON string inside another (Amazon SNS's "Message").
    for (const name of fields.embedded || []) {
      if (typeof node[name] !== "string" || !node[name].startsWith("{")) continue;
      try {
        walk(JSON.parse(node[name]), here, depth + 1);
      } catch {
        // Not JSON after all: a message text that starts with a brace.
      }
    }
    for (const [key, v] of Object.entries(node)) {
      if (key === "mail" || key === "destination" || key === "commonHeaders" || key === "headers") continue; // SES: the original message
      if (v && typeof v === "object" && !(fields.recipient_lists || []).includes(key) || (Array.isArray(v) && v.some((x) => x && typeof x === "object"))) {
        walk(v, here, depth + 1);
      }
    }
  };
  walk(value, { action: undefined, reply: null, status: null, server: null, time: null }, 0);
  return records.filter((r) => r.action !== undefined && r.action !== null);
}

/** The webhook form field a text starts with ("mandrill_events=..."), or null. */
function formPost(text, formats) {
  return ((formats.json || {}).form_posts || []).find((name) => text.startsWith(`${name}=`)) ?? null;
}

/** The JSON values of a text: one document, or JSON lines, or a webhook's url-encoded form post. */
function jsonValues(text, formats) {
  let body = text.trim();
  const form = formPost(body, formats);
  if (form !== null) {
    try {
      body = decodeURIComponent(body.slice(form.length + 1).replace(/\+/g, " "));
    } catch {
      return null;
    }
  }
  if (!/^[\[{]/.test(body)) return null;
  try {
    return { values: [JSON.parse(body)], bad: 0 };
  } catch {
    // JSON lines: one event per line; a line that does not parse is unreadable.
    const values = [];
    let bad = 0;
    for (const line of body.split(/\r?\n/)) {
      const t = line.trim();
      if (!t) continue;
      try {
        values.push(JSON.parse(t));
      } catch {
        if (/^[\[{]/.test(t)) bad++;
        else return values.length ? { values, bad } : null;
      }
    }
    return values.length ? { values, bad } : null;
  }
}

// ---------------------------------------------------------------------------------------------
// Records -> recipients
// ---------------------------------------------------------------------------------------------

/** A record's time as written, but a service's Unix time (seconds or milliseconds) as ISO 8601. */
function timeOf(value) {
  if (value === null || value === undefined || value === "") return null;
  const text = String(value).trim();
  if (/^\d{9,10}(?:\.\d+)?$/.test(text)) return new Date(Number(text) * 1000).toISOString();
  if (/^\d{12,13}$/.test(text)) return new Date(Number(text)).toISOString();
  return text;
}

const DIAGNOSTIC_TYPE = /^(?:smtp|x-[\w-]+)\s*;\s*/i;
const ONE_LINE = new Set(["postfix", "exim", "sendmail"]);
// A queue id, a message id or a timestamp in a reply: eight letters and digits or more, a digit
// among them; but a provider's code of that shape (Comcast's BL000000) is kept, as it says why.
const UNIQUE_ID = /\b(?=[A-Za-z]*\d)[A-Za-z0-9]{8,}\b/g;

/** A copy of a string that does not keep alive the text it was cut from (a piece of the log). */
const detached = (text) => JSON.parse(JSON.stringify(text));

/**
 * The replies of one action and status already read: by shape (the reply but for its addresses,
 * queue ids and timestamps), and the last one as the text before and after its recipient's
 * address, since consecutive records of a log mostly repeat it. Comparing with the last is a few
 * string comparisons, where a shape is a new string to build and hash.
 */
function repliesOf(cache, action, status) {
  let statuses = cache.get(action);
  if (!statuses) cache.set(action, (statuses = new Map()));
  let replies = statuses.get(status);
  if (!replies) statuses.set(status, (replies = { shapes: new Map(), last: null }));
  return replies;
}

/** What the last reply of `replies` said, if this record's reply is the same but for its address.
 * (Cut and compared with ===, which compares whole strings at once: startsWith and endsWith go
 * character by character in V8, twice as slow here.) */
function sameAsLast({ last }, reply, address) {
  if (last === null) return null;
  if (last.before === null) return reply === last.reply ? last.known : null;
  const { before, after } = last;
  const end = before.length + address.length;
  return reply.length === end + after.length && reply.slice(0, before.length) === before
    && reply.slice(end) === after && reply.slice(before.length, end) === address ? last.known : null;
}

/** The reply as the last of `replies`; around its address only when no other address is in it
 * (another would make a reply with a new address at the same place a different shape). */
function rememberLast(replies, reply, address, known) {
  const at = address ? reply.indexOf(address) : -1;
  if (at < 0) {
    replies.last = { before: null, reply: detached(reply), known };
    return;
  }
  const [before, after] = [reply.slice(0, at), reply.slice(at + address.length)];
  replies.last = before.includes("@") || after.includes("@") ? null : { before: detached(before), after: detached(after), known };
}

/** A recipient of the result from a record: its codes (its reply's, else the format's status),
 * its reason, cached by reply since a log repeats the same few replies thousands of times. */
function recipientOf(record, index, cache) {
  // A line format's reply is one line already; a JSON or CSV field may be folded or typed ("smtp; 550 ...").
  const line = ONE_LINE.has(record.format);
  const reply = line ? capReply(record.reply) : trimReply(String(record.reply || "").replace(DIAGNOSTIC_TYPE, ""));
  const replies = repliesOf(cache, record.action, record.status);
  const plain = !record.said && !record.expired;
  const address = record.address || "";
  let known = plain ? sameAsLast(replies, reply, address) : null;
  if (!known) {
    known = knownReply(record, reply, replies.shapes, index);
    if (plain) rememberLast(replies, reply, address, known);
  }
  return {
    address: line ? record.address : record.address.replace(/^<|>$/g, ""),
    action: record.action === "complained" ? "delivered" : record.action,
    basic: known.basic, enhanced: known.enhanced, outer: known.outer, reply: reply || null,
    remoteMta: record.server ? String(record.server).toLowerCase() : null, command: null, reason: known.reason,
    reasonFrom: known.reasonFrom, provider: known.provider,
    time: line ? record.time : timeOf(record.time), format: record.format,
  };
}

/** The codes, reason and provider of a reply, from `shapes` (the replies read before, by shape)
 * or read now. */
function knownReply(record, reply, shapes, index) {
  // The same reply but for the addresses, queue ids and timestamps in it says the same: looked
  // up as it is first, then with its ids left out.
  let shape = record.address && reply.includes(record.address) ? reply.replaceAll(record.address, "\u0000") : reply;
  if (shape.includes("@")) shape = shape.replace(/[\w.+-]+@[\w.-]+/g, "@");
  if (record.said || record.expired) shape = `${record.said}|${record.expired}|${shape}`;
  let known = shapes.get(shape);
  const key = known ? shape : shape.replace(UNIQUE_ID, (id) => (index.vendor && index.vendor[id] ? id : "#"));
  if (!known) known = shapes.get(key);
  if (!known) {
    const read = reply ? readReply(reply, (code) => Boolean(index.basic && index.basic[code])) : null;
    let basic = read ? read.basic : null;
    let enhanced = read ? read.enhanced : null;
    const status = record.status && /^[245]\.\d{1,3}\.\d{1,3}$/.test(String(record.status)) ? String(record.status) : null;
    // A service's numeric code field (Mailgun's delivery-status.code) is the basic code of a reply
    // text that gives only the enhanced one.
    if (!basic && /^[2-5]\d\d$/.test(String(record.status)) && (!enhanced || enhanced[0] === String(record.status)[0])) {
      basic = String(record.status);
    }
    if (!enhanced && status && (!basic || basic[0] === status[0])) enhanced = status;
    const reason = record.action === "delivered" || record.action === "relayed" || record.action === "expanded" ? { id: "delivered", from: "text" }
      : record.action === "complained" ? { id: "feedback-report", from: "text" }
        : reasonOf(reply, { basic, enhanced }, index) || (record.expired ? { id: "expired-in-queue", from: "text" } : null)
          || (record.said ? { id: record.said, from: "text" } : null);
    known = { basic, enhanced, outer: read ? read.outer : null, reason: reason ? reason.id : null, reasonFrom: reason ? reason.from : null,
      provider: providerOf(reply, index) };
    if (shapes.size < 20000) shapes.set(detached(key), known);
  }
  return known;
}

const JSON_START = /^\s*[\[{]/;
// What a delivery record says when the message was handed over: counted by the triage, not grouped.
const DELIVERED = new Set(["delivered", "relayed", "expanded", "complained"]);

/**
 * A reader for a log given in chunks: push() each chunk (lines may span chunks), then end(). Each
 * returns the recipients read from the complete lines it was given; `state` counts the lines and
 * records read and the unreadable lines. Formats may be mixed, line by line: a CSV header switches
 * CSV rows on, a line that is a JSON object is one event (JSON lines); a JSON document that spans
 * lines (an array, a pretty-printed export, a webhook's form post) is read whole at the end.
 * With countDeliveries, a delivery is counted in state.delivered instead of returned: a triage
 * shows only how many there were, and reading their replies is most of the work of a large log.
 * state.contextual says whether some lines were read in the light of lines before them (a CSV
 * header, JSON events): such a log cannot be read in parts that do not know each other.
 */
export function createLogReader(index, { countDeliveries = false } = {}) {
  const cache = new Map();
  const formats = index.formats || {};
  let carry = "";
  let csv = null;
  let spanning = null; // the lines of a JSON document that spans lines
  const state = { unreadable: 0, lines: 0, records: 0, delivered: 0, reporter: null, contextual: false };

  /** A record read: into out as a recipient, or counted. */
  function take(record, out) {
    state.records++;
    if (countDeliveries && DELIVERED.has(record.action)) state.delivered++;
    else out.push(recipientOf(record, index, cache));
  }

  function fromJson(value, text, out) {
    // A sending service's export names the service in its field names ("sg_event_id"): a
    // record whose reply names no other provider is the service's own verdict.
    if (state.reporter === null) state.reporter = providerOf(text.slice(0, 4000), index) || undefined;
    for (const r of jsonRecords(value, formats)) {
      const before = out.length;
      take(r, out);
      const read = out[before];
      if (read && !read.provider && state.reporter) out[before] = { ...read, provider: state.reporter };
    }
  }

  /** The lines of text from `from` to `end`, where the last complete line of a chunk ends. */
  function readLines(text, from, end, out) {
    while (from <= end) {
      let to = text.indexOf("\n", from);
      if (to === -1 || to > end) to = end;
      let line = text.slice(from, to);
      from = to + 1;
      if (line.endsWith("\r")) line = line.slice(0, -1);
      if (spanning !== null) { spanning.push(line); continue; }
      state.lines++;
      if (!line || line.length > 100000) continue;
      if (isCsvHeader(line, csv)) {
        const header = csvHeader(line, formats);
        if (header) { csv = header; state.contextual = true; continue; }
      }
      if (line.startsWith("#")) continue;
      const first = line.charCodeAt(0);
      if (((first === 123 || first === 91 || first <= 32) && JSON_START.test(line)) || (state.records === 0 && formPost(line, formats) !== null)) {
        state.contextual = true;
        let value;
        try {
          value = JSON.parse(line);
        } catch {
          if (state.records === 0 && out.length === 0) spanning = [line];
          else state.unreadable++;
          continue;
        }
        fromJson(value, line, out);
        continue;
      }
      let record = csv && line.includes(",") ? readCsvRow(line, csv, formats) : null;
      if (record === null || record === "unreadable") {
        const fromLine = readLine(line);
        if (fromLine !== null) record = fromLine;
      }
      if (record === "unreadable") state.unreadable++;
      else if (Array.isArray(record)) for (const r of record) take(r, out);
      else if (record) take(record, out);
    }
    return out;
  }

  return {
    state,
    push(chunk) {
      const first = chunk.indexOf("\n");
      if (first === -1) { carry += chunk; return []; }
      // The line begun in the chunk before, then the chunk's own lines: the chunk is not copied.
      const out = readLines(carry + chunk.slice(0, first), 0, carry.length + first, []);
      const cut = chunk.lastIndexOf("\n");
      if (cut > first) readLines(chunk, first + 1, cut, out);
      carry = chunk.slice(cut + 1);
      return out;
    },
    end() {
      const out = carry ? readLines(carry, 0, carry.length, []) : [];
      carry = "";
      if (spanning !== null) {
        const text = spanning.join("\n");
        spanning = null;
        const parsed = jsonValues(text, formats);
        if (parsed) {
          state.unreadable += parsed.bad;
          for (const value of parsed.values) fromJson(value, text, out);
        } else {
          state.unreadable++;
        }
      }
      if (state.reporter === undefined) state.reporter = null;
      return out;
    },
  };
}

/** Whether the text is a log or an export to triage: two delivery records or more in its first
 * lines, a CSV export with a recipient column, or JSON events that name recipients. */
export function isLog(text, index) {
  const formats = index.formats || {};
  const head = text.slice(0, 200000);
  const json = jsonValues(head.length < text.length ? head.split("\n").slice(0, -1).join("\n") : head, formats);
  if (json && json.values.some((v) => jsonRecords(v, formats).length > 0)) return true;
  let records = 0;
  let csv = null;
  for (const line of head.split(/\r?\n/, 2000)) {
    if (isCsvHeader(line, csv)) {
      csv = csvHeader(line, formats) || csv;
      if (csv) continue;
    }
    if (readLine(line) || (csv && readCsvRow(line, csv, formats))) records++;
    if (records >= 2) return true;
  }
  return false;
}

/** The DecodeResult of a whole log or export. */
export function readLog(text, index) {
  const reader = createLogReader(index);
  const recipients = [...reader.push(text), ...reader.end()];
  return logResult(recipients, reader.state, index);
}

/** A log's result, from its recipients and its reader's state: kind "log", or the kind of the
 * one record a single JSON event holds. */
export function logResult(recipients, { unreadable, reporter }, index) {
  const primary = recipients.find((r) => r.action === "failed") || recipients.find((r) => r.action === "delayed") || recipients[0] || null;
  const single = recipients.length === 1 && recipients[0].format === "json";
  const kind = single ? { failed: "bounce", delayed: "delay", delivered: "delivered" }[recipients[0].action] || "log" : "log";
  const notes = [{ kind: "log", text: `Read ${recipients.length} delivery record${recipients.length === 1 ? "" : "s"}` +
    (unreadable ? `; ${unreadable} line${unreadable === 1 ? "" : "s"} that look like delivery records could not be read.` : ".") }];
  return {
    found: recipients.length > 0, kind, recipients, unreadable, primary,
    basic: null, enhanced: null, outer: null, command: null, reason: null, provider: null, reporter, severity: null,
    mismatch: false, basicInfo: null, enhancedInfo: null, tokens: [], notes, excerpt: primary && primary.reply ? primary.reply : "",
    alsoFound: [],
  };
}

// ---------------------------------------------------------------------------------------------
// Grouping: the triage table
// ---------------------------------------------------------------------------------------------

const MONTHS = { Jan: 0, Feb: 1, Mar: 2, Apr: 3, May: 4, Jun: 5, Jul: 6, Aug: 7, Sep: 8, Oct: 9, Nov: 10, Dec: 11 };

/** A number that orders the times of one log: ISO and Exim times as dates, syslog's "Nov 29
 * 10:15:01" (no year) in the last twelve months, as syslog means it; null when unreadable. */
export function timeKey(time, now = Date.now()) {
  if (!time) return null;
  const syslog = /^([A-Z][a-z]{2})\s+(\d{1,2})\s+(\d\d):(\d\d):(\d\d)/.exec(time);
  if (syslog && syslog[1] in MONTHS) {
    const thisYear = Date.UTC(new Date(now).getUTCFullYear(), MONTHS[syslog[1]], +syslog[2], +syslog[3], +syslog[4], +syslog[5]);
    return thisYear > now + 86400000 ? Date.UTC(new Date(now).getUTCFullYear() - 1, MONTHS[syslog[1]], +syslog[2], +syslog[3], +syslog[4], +syslog[5])
      : thisYear;
  }
  const ms = Date.parse(/^\d{4}-\d\d-\d\d \d/.test(time) ? time.replace(" ", "T") : time);
  return Number.isNaN(ms) ? null : ms;
}

/** What to do about a group: "retry" (temporary), "drop" (the address is gone or suppressed) or
 * "fix" (the sender or an admin must change something), from the reasons of data/formats.yaml's
 * log_verdicts, the reason's outcome, and the class of its codes. */
export function verdictOf({ action, basic, enhanced, reason }, index) {
  const verdicts = (index.formats && index.formats.verdicts) || {};
  if (action === "delayed") return "retry";
  if (reason && (verdicts.drop || []).includes(reason)) return "drop";
  if (reason && ((verdicts.retry || []).includes(reason) || (index.reasons?.[reason]?.outcome === "delay"))) return "retry";
  if (!reason && ((basic || enhanced || "")[0] === "4")) return "retry";
  return "fix";
}

const groupKey = (g) => `${g.action}|${g.basic}|${g.enhanced}|${g.reason}`;

/** The order of the table: the largest group first; of equal ones the first seen, then by codes. */
function byCount(a, b) {
  const [keyA, keyB] = [groupKey(a), groupKey(b)];
  return b.count - a.count || (a.firstKey ?? Infinity) - (b.firstKey ?? Infinity) || (keyA < keyB ? -1 : keyA > keyB ? 1 : 0);
}

/**
 * A grouper that takes recipients one by one (a streamed log need not keep them) and gives the
 * failures and deferrals grouped by action, codes and reason, deliveries counted apart. Each group:
 * { action, basic, enhanced, reason, verdict, count, domains: {domain: count}, first, last, example }.
 */
export function createGrouper(index) {
  // Groups by action, then basic code, enhanced code and reason: Maps of Maps, since a recipient's
  // codes and reason are the same few strings over and over (a key made of them would be a new
  // string for every record). The time of the last record read, as logs are mostly in order.
  const byAction = new Map();
  const groups = [];
  let delivered = 0;
  let lastTime = null;
  let lastKey = null;
  const level = (map, key) => {
    let next = map.get(key);
    if (!next) map.set(key, (next = new Map()));
    return next;
  };
  return {
    add(r) {
      if (DELIVERED.has(r.action)) { delivered++; return; }
      const byReason = level(level(level(byAction, r.action), r.basic), r.enhanced);
      let group = byReason.get(r.reason);
      if (!group) {
        group = { action: r.action, basic: r.basic, enhanced: r.enhanced, reason: r.reason, verdict: verdictOf(r, index),
          count: 0, domains: {}, first: null, last: null, firstKey: null, lastKey: null, example: null };
        byReason.set(r.reason, group);
        groups.push(group);
      }
      group.count++;
      const at = r.address ? r.address.lastIndexOf("@") : -1;
      const domain = at >= 0 ? r.address.slice(at + 1).toLowerCase() : "(local)";
      group.domains[domain] = (group.domains[domain] || 0) + 1;
      if (r.time && r.time !== group.last) {
        if (r.time !== lastTime) {
          lastTime = r.time;
          lastKey = timeKey(r.time);
        }
        // Out-of-order records (a merged log, an export sorted newest first) still give the span;
        // a time that cannot be ordered is shown only by a group that has no other.
        if (lastKey === null) {
          if (group.first === null) group.first = group.last = r.time;
        } else {
          if (group.firstKey === null || lastKey < group.firstKey) { group.first = r.time; group.firstKey = lastKey; }
          if (group.lastKey === null || lastKey >= group.lastKey) { group.last = r.time; group.lastKey = lastKey; }
        }
      }
      if (!group.example && r.reply) group.example = r.reply;
    },
    result() {
      return { groups: [...groups].sort(byCount), delivered };
    },
  };
}

/** The triage table of a list of recipients (the pasted-text API): groupRecipients(decode(text).recipients). */
export function groupRecipients(recipients, index = {}) {
  const grouper = createGrouper(index);
  for (const r of recipients) grouper.add(r);
  return grouper.result();
}

/**
 * The triage of a log given in chunks, as the worker streams a file: push(chunk) each (lines may
 * span chunks), then end() gives { table: { groups, delivered, unreadable, records }, reporter,
 * contextual } (`state` is the reader's meanwhile). Its memory is that of the table: each chunk's
 * records are grouped and gone before the next.
 */
export function createTriage(index) {
  const reader = createLogReader(index, { countDeliveries: true });
  const grouper = createGrouper(index);
  const group = (recipients) => { for (const r of recipients) grouper.add(r); };
  return {
    state: reader.state,
    push(chunk) { group(reader.push(chunk)); },
    end() {
      group(reader.end());
      const { groups, delivered } = grouper.result();
      const { unreadable, records, reporter, contextual } = reader.state;
      return { table: { groups, delivered: delivered + reader.state.delivered, unreadable, records }, reporter, contextual };
    },
  };
}

/**
 * The table of a log from the tables of its two parts, the first before the second, each read
 * on its own (the worker reads the halves of a large file at once): counts and domains added,
 * the earliest first time and the latest last time, the first part's example first. Exact when
 * neither part was contextual (createLogReader).
 */
export function mergeTables(first, second) {
  const groups = new Map(first.groups.map((g) => [groupKey(g), { ...g, domains: { ...g.domains } }]));
  for (const g of second.groups) {
    const into = groups.get(groupKey(g));
    if (!into) { groups.set(groupKey(g), { ...g, domains: { ...g.domains } }); continue; }
    into.count += g.count;
    for (const [domain, count] of Object.entries(g.domains)) into.domains[domain] = (into.domains[domain] || 0) + count;
    if (g.firstKey !== null && (into.firstKey === null || g.firstKey < into.firstKey)) { into.first = g.first; into.firstKey = g.firstKey; }
    if (g.lastKey !== null && (into.lastKey === null || g.lastKey >= into.lastKey)) { into.last = g.last; into.lastKey = g.lastKey; }
    into.first ??= g.first; // times that cannot be ordered, where neither part has another
    into.last ??= g.last;
    into.example ??= g.example;
  }
  return {
    groups: [...groups.values()].sort(byCount), delivered: first.delivered + second.delivered,
    unreadable: first.unreadable + second.unreadable, records: first.records + second.records,
  };
}
