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
 *   createLogReader(index)       -> { push(chunk), end() }: records of a text given in chunks (the worker streams a file)
 *   readLog(text, index)         -> the DecodeResult of a log: kind "log", one recipient per record
 *   groupRecipients(recipients)  -> the failures and deferrals grouped by action, codes and reason, with counts
 */

import { readReply } from "./replies.js";
import { providerOf, reasonOf } from "./reasons.js";

const MAX_REPLY_CHARS = 500;

// ---------------------------------------------------------------------------------------------
// Line formats
// ---------------------------------------------------------------------------------------------

const ADDRESS = "[^\\s<>@,;]+@[^\\s<>@,;]+";
const POSTFIX = new RegExp(`\\b(?:postfix|postfix-[\\w.-]+)\\/(?:smtp|lmtp|local|virtual|pipe|error|discard|relay|retry)\\[\\d+\\]:\\s+[0-9A-Za-z]+:\\s+to=<(${ADDRESS})>,(.*?)\\bstatus=(sent|bounced|deferred|expired|undeliverable)\\b\\s*(?:\\((.*)\\))?`);
const POSTFIX_DSN = /\bdsn=([245]\.\d{1,3}\.\d{1,3})/;
const POSTFIX_REJECT = new RegExp(`\\bpostfix\\/(?:smtpd|postscreen)\\[\\d+\\]:\\s+NOQUEUE:\\s+reject:\\s+\\S+\\s+from\\s+[^:]*:\\s+(.*?);\\s+from=<[^>]*>\\s+to=<(${ADDRESS})>`);
const EXIM = new RegExp(`^(\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d(?:\\.\\d+)?)\\s+(?:\\[\\d+\\]\\s+)?(?:[0-9A-Za-z]{6}-[0-9A-Za-z]{6,11}-[0-9A-Za-z]{2,4})\\s+(\\*\\*|==|=>|->)\\s+(${ADDRESS})(.*)$`);
const SENDMAIL = new RegExp(`\\b(?:sendmail|sm-mta|sm-msp-queue)\\[\\d+\\]:\\s+[0-9A-Za-z]+:\\s+to=<?(${ADDRESS})>?,(.*?)\\bstat=(.*)$`);
const SENDMAIL_DSN = /\bdsn=([245]\.\d{1,3}\.\d{1,3})/;
// What makes a line look like a delivery record of some format, even when it cannot be read.
const RECORD_MARK = /\bstatus=(?:sent|bounced|deferred|expired)|\bNOQUEUE: reject:|\bstat=|^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\S*\s+(?:\[\d+\]\s+)?\S+\s+(?:\*\*|==|=>|->)\s/;
const SYSLOG_TIME = /^(?:<\d+>\d?\s*)?((?:[A-Z][a-z]{2}\s+\d{1,2}\s+\d\d:\d\d:\d\d)|(?:\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)?))/;

function trimReply(text) {
  const t = (text || "").replace(/\s+/g, " ").trim();
  return t.length > MAX_REPLY_CHARS ? t.slice(0, MAX_REPLY_CHARS - 1) + "…" : t;
}

/** One record from one line, or null (not a record), or "unreadable". */
function readLine(line) {
  let m = POSTFIX.exec(line);
  if (m) {
    const action = { sent: "delivered", bounced: "failed", expired: "failed", undeliverable: "failed", deferred: "delayed" }[m[3]];
    const dsn = POSTFIX_DSN.exec(m[2]);
    return { format: "postfix", address: m[1], action, status: dsn ? dsn[1] : null, reply: m[4] || "",
      time: (SYSLOG_TIME.exec(line) || [])[1] || null, expired: m[3] === "expired" };
  }
  m = POSTFIX_REJECT.exec(line);
  if (m) return { format: "postfix", address: m[2], action: "failed", status: null, reply: m[1], time: (SYSLOG_TIME.exec(line) || [])[1] || null };
  m = EXIM.exec(line);
  if (m) {
    const action = m[2] === "**" ? "failed" : m[2] === "==" ? "delayed" : "delivered";
    const rest = m[4];
    // The reply follows "H=host [ip]:", "SMTP error from remote mail server after ...:", or the
    // address itself ("** bob@example.org: Unrouteable address").
    const reply = action === "delivered" ? "" : rest.replace(/^\s*(?:<[^>]*>\s*)?(?:\([^)]*\)\s*)?/, "").replace(/^(?:[A-Z]=\S+\s+)*/, "")
      .replace(/^H=\S+\s+\[[^\]]*\](?::\d+)?\s*(?:X=\S+\s+)?(?:CV=\S+\s+)?(?:DN="[^"]*"\s+)?(?:C="[^"]*"\s+)?/, "").replace(/^:\s*/, "");
    return { format: "exim", address: m[3], action, status: null, reply, time: m[1] };
  }
  m = SENDMAIL.exec(line);
  if (m) {
    const stat = m[3].trim();
    const dsn = SENDMAIL_DSN.exec(m[2]);
    const action = /^sent\b/i.test(stat) ? "delivered" : /^deferred\b/i.test(stat) || (dsn && dsn[1][0] === "4") ? "delayed" : "failed";
    return { format: "sendmail", address: m[1], action, status: dsn ? dsn[1] : null,
      reply: action === "delivered" ? "" : stat.replace(/^deferred:\s*/i, ""), time: (SYSLOG_TIME.exec(line) || [])[1] || null };
  }
  return RECORD_MARK.test(line) ? "unreadable" : null;
}

// ---------------------------------------------------------------------------------------------
// CSV exports: Exchange Server message tracking, Microsoft 365 message trace
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

const CSV_COLUMNS = {
  // Exchange message tracking (#Fields:) and the Microsoft 365 message trace, in their spellings.
  address: ["recipient-address", "recipient_address", "recipient address", "recipient", "recipientaddress"],
  event: ["event-id", "event_id", "event", "status", "delivery_status", "deliverystatus"],
  reply: ["recipient-status", "recipient_status", "recipient status", "detail", "details", "reason"],
  time: ["date-time", "date_time", "origin_timestamp_utc", "date (utc)", "received", "date", "timestamp"],
};
const CSV_EVENTS = {
  deliver: "delivered", delivered: "delivered", send: "delivered", sent: "delivered", expanded: "expanded",
  fail: "failed", failed: "failed", "filtered as spam": "failed", quarantined: "failed", dropped: "failed",
  defer: "delayed", deferred: "delayed", pending: "delayed", "getting status": null, resolve: null,
  receive: null, submit: null, dsn: null, transfer: null, redirect: null, poison: null, badmail: null, none: null,
};

function csvHeader(line) {
  const fields = line.replace(/^#Fields:\s*/i, "");
  const names = csvCells(fields).map((n) => n.trim().toLowerCase());
  const column = {};
  for (const [key, spellings] of Object.entries(CSV_COLUMNS)) {
    column[key] = names.findIndex((n) => spellings.includes(n));
  }
  return column.address >= 0 && column.event >= 0 ? column : null;
}

function readCsvRow(line, column) {
  const cells = csvCells(line);
  if (cells.length <= Math.max(column.address, column.event)) return "unreadable";
  const event = cells[column.event].trim().toLowerCase();
  if (!(event in CSV_EVENTS)) return "unreadable";
  const action = CSV_EVENTS[event];
  if (!action) return null;
  const addresses = cells[column.address].split(/;/).map((a) => a.trim()).filter(Boolean);
  if (!addresses.length || !addresses.every((a) => a.includes("@"))) return "unreadable";
  const replies = column.reply >= 0 ? (cells[column.reply] || "").split(/;(?=\s*\d{3}[\s-])/) : [];
  return addresses.map((address, i) => ({ format: "csv", address, action,
    status: null, reply: action === "delivered" ? "" : (replies[i] ?? replies[0] ?? ""),
    time: column.time >= 0 ? cells[column.time] || null : null }));
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
  const pick = (object, names) => {
    for (const name of names || []) {
      const v = object[name];
      if (v !== undefined && v !== null && typeof v !== "object" && String(v).trim() !== "") return v;
    }
    return null;
  };
  // The values of the named fields in an object and the objects inside it (not in other
  // recipients): the first that carries a reply code, else the longest. Mailgun's "reason":
  // "bounce" is a label, its delivery-status.message or description the reply.
  const values = (object, names, depth, out) => {
    for (const name of names || []) {
      const v = object[name];
      if (v !== undefined && v !== null && typeof v !== "object" && String(v).trim() !== "") out.push(v);
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

/** A recipient of the result from a record: its codes (its reply's, else the format's status),
 * its reason, cached by reply text since a log repeats the same few replies thousands of times. */
function recipientOf(record, index, cache) {
  const reply = trimReply(String(record.reply || "").replace(/^(?:smtp|x-[\w-]+)\s*;\s*/i, ""));
  const key = `${record.action}|${record.status}|${reply.replace(/[\w.+-]+@[\w.-]+/g, "@").replace(/\d{5,}|\b[0-9A-F]{8,}\b/g, "#")}`;
  let known = cache.get(key);
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
    const reason = record.action === "delivered" || record.action === "relayed" ? { id: "delivered", from: "text" }
      : record.action === "complained" ? { id: "feedback-report", from: "text" }
        : reasonOf(reply, { basic, enhanced }, index) || (record.expired ? { id: "expired-in-queue", from: "text" } : null);
    known = { basic, enhanced, outer: read ? read.outer : null, reason: reason ? reason.id : null, reasonFrom: reason ? reason.from : null,
      provider: providerOf(reply, index) };
    if (cache.size < 20000) cache.set(key, known);
  }
  return {
    address: record.address.replace(/^<|>$/g, ""),
    action: record.action === "complained" ? "delivered" : record.action,
    basic: known.basic, enhanced: known.enhanced, outer: known.outer, reply: reply || null,
    remoteMta: record.server ? String(record.server).toLowerCase() : null, command: null, reason: known.reason,
    reasonFrom: known.reasonFrom, provider: known.provider,
    time: record.time || null, format: record.format,
  };
}

/**
 * A reader for a log given in chunks: push() each chunk (lines may span chunks), then end(). Each
 * returns the recipients read so far from complete lines; `unreadable` counts the rest.
 */
export function createLogReader(index) {
  const cache = new Map();
  let carry = "";
  let csv = null;
  let json = null;
  const state = { unreadable: 0, lines: 0, reporter: null };
  const formats = index.formats || {};
  function lines(text) {
    const out = [];
    for (const line of text.split(/\r?\n/)) {
      if (json !== null) { json.push(line); continue; }
      state.lines++;
      if (!line || line.length > 100000) continue;
      if (line.startsWith("#Fields:") || (!csv && /(?:^|,)"?(?:recipient[ _-]?address|recipient)"?\s*(?:,|$)/i.test(line) && line.includes(","))) {
        const header = csvHeader(line);
        if (header) { csv = header; continue; }
      }
      if (line.startsWith("#")) continue;
      let record = csv && line.includes(",") ? readCsvRow(line, csv) : null;
      if (record === null || record === "unreadable") {
        const fromLine = readLine(line);
        if (fromLine !== null) record = fromLine;
      }
      if (record === null && (/^\s*[\[{]/.test(line) || formPost(line, formats) !== null) && out.length === 0 && state.lines <= 2) {
        json = [line];
        continue;
      }
      if (record === "unreadable") state.unreadable++;
      else if (Array.isArray(record)) for (const r of record) out.push(recipientOf(r, index, cache));
      else if (record) out.push(recipientOf(record, index, cache));
    }
    return out;
  }
  return {
    state,
    push(chunk) {
      const text = carry + chunk;
      const cut = text.lastIndexOf("\n");
      if (cut === -1) { carry = text; return []; }
      carry = text.slice(cut + 1);
      return lines(text.slice(0, cut));
    },
    end() {
      const out = carry ? lines(carry) : [];
      carry = "";
      if (json !== null) {
        const text = json.join("\n");
        const parsed = jsonValues(text, formats);
        if (parsed) {
          state.unreadable += parsed.bad;
          // A sending service's export names the service in its field names ("sg_event_id"): a
          // record whose reply names no other provider is the service's own verdict.
          state.reporter = providerOf(text.slice(0, 4000), index);
          for (const value of parsed.values) {
            for (const r of jsonRecords(value, formats)) {
              const read = recipientOf(r, index, cache);
              out.push(read.provider || !state.reporter ? read : { ...read, provider: state.reporter });
            }
          }
        } else {
          state.unreadable++;
        }
      }
      return out;
    },
  };
}

/** Whether the text is a log or an export to triage: two delivery records or more in its first
 * lines, a CSV export with a recipient column, or JSON events that name recipients. */
export function isLog(text, index) {
  const head = text.slice(0, 200000);
  const json = jsonValues(head.length < text.length ? head.split("\n").slice(0, -1).join("\n") : head, index.formats || {});
  if (json && json.values.some((v) => jsonRecords(v, index.formats || {}).length > 0)) return true;
  let records = 0;
  let csv = null;
  for (const line of head.split(/\r?\n/, 2000)) {
    if (line.startsWith("#Fields:") || (!csv && /recipient/i.test(line) && line.includes(","))) {
      csv = csvHeader(line) || csv;
      if (csv) continue;
    }
    if (readLine(line) || (csv && readCsvRow(line, csv))) records++;
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

/**
 * Failures and deferrals grouped by action, codes and reason; deliveries counted apart. Each group:
 * { action, basic, enhanced, reason, count, domains: {domain: count}, first, last, example }.
 */
export function groupRecipients(recipients) {
  const groups = new Map();
  let delivered = 0;
  for (const r of recipients) {
    if (r.action === "delivered" || r.action === "relayed" || r.action === "expanded") { delivered++; continue; }
    const key = `${r.action}|${r.basic}|${r.enhanced}|${r.reason}`;
    let group = groups.get(key);
    if (!group) {
      group = { action: r.action, basic: r.basic, enhanced: r.enhanced, reason: r.reason, count: 0, domains: {},
        first: r.time || null, last: r.time || null, example: r.reply || null };
      groups.set(key, group);
    }
    group.count++;
    const domain = r.address && r.address.includes("@") ? r.address.split("@").pop().toLowerCase() : "(none)";
    group.domains[domain] = (group.domains[domain] || 0) + 1;
    if (r.time) {
      if (!group.first) group.first = r.time;
      group.last = r.time;
    }
    if (!group.example && r.reply) group.example = r.reply;
  }
  return { groups: [...groups.values()].sort((a, b) => b.count - a.count), delivered };
}
