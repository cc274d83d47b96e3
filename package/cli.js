#!/usr/bin/env node
// smtp-codes: the package's command line, for admins. A thin printer around index.js: what it
// says comes from decode(), explain() and triage(), so it says what the site says.
//
// Exit status: 0 when the input was read, 1 when it names no known code (or holds no record of a
// delivery), 2 for bad usage or an unreadable file, with a one-line message. Colour only on a
// terminal (and never with NO_COLOR set); --json prints what the functions return.

import { existsSync, readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { explainRecipient } from "./decoder/decode.js";
import { pageUrl } from "./decoder/explain.js";
import { decode, explain, index, siteUrl, triage, triageOf, version } from "./index.js";

const USAGE = `usage: smtp-codes CODE...         what a reply code means: 550, 5.1.1, X.7.1, a provider's own code
       smtp-codes decode FILE|-    what a reply, a whole bounce (.eml) or a mail log says, per recipient
       smtp-codes triage FILE|-    a mail log's failures and deferrals, grouped, with counts
options: --json   what the library returns, as JSON
         --help, --version
FILE may be gzip-compressed; - reads standard input. Exit status: 0 read, 1 no known code in it,
2 bad usage or an unreadable file.`;

const colour = Boolean(process.stdout.isTTY) && !process.env.NO_COLOR && process.env.TERM !== "dumb";
const WIDTH = process.stdout.isTTY ? Math.min(process.stdout.columns || 80, 100) : 80;
const SGR = { bold: 1, dim: 2, red: 31, green: 32, yellow: 33, cyan: 36 };
const ACTION_STYLES = { failed: "red", delayed: "yellow", delivered: "green", relayed: "green", expanded: "green" };
const FROM_WORDS = { text: "read from the words of the reply", token: "read from the provider's token", code: "read from the code" };
const MANY_RECIPIENTS = 10;  // more than this are shown grouped, as a log is
const LABEL = 10;            // the width of a field's label
const INDENT = "  ";

class UsageError extends Error {}

const paint = (style, text) => (colour ? `\x1b[${SGR[style]}m${text}\x1b[0m` : String(text));
const absolute = (url) => (url ? new URL(url, siteUrl).href : null);
const plural = (n, word) => `${n} ${word}${n === 1 ? "" : "s"}`;

// ---------------------------------------------------------------------------------------------
// Text for a terminal: labelled fields, wrapped, with code spans in colour
// ---------------------------------------------------------------------------------------------

/** The words of a text, each {shown, length}: code spans (`RCPT TO`) in colour on a terminal,
 * else kept in their backticks; length is what the terminal shows. */
function styledWords(text) {
  let code = false;
  return String(text).split(/\s+/).filter(Boolean).map((word) => {
    let shown = "";
    let length = 0;
    word.split("`").forEach((piece, i) => {
      if (i > 0) {
        code = !code;
        if (!colour) { shown += "`"; length += 1; }
      }
      shown += code && piece ? paint("cyan", piece) : piece;
      length += piece.length;
    });
    return { shown, length };
  });
}

/** A field: its label, then its text wrapped to the width under itself; a list item ("- ")
 * hangs under its own text. */
function field(out, label, text, { item = false, width = LABEL } = {}) {
  if (text === null || text === undefined || text === "") return;
  const hang = " ".repeat(INDENT.length + width + (item ? 2 : 0));
  let line = INDENT + paint("dim", label.padEnd(width)) + (item ? "- " : "");
  let used = hang.length;
  let fresh = true;
  for (const word of styledWords(text)) {
    if (!fresh && used + 1 + word.length > WIDTH) {
      out.push(line);
      line = hang;
      used = hang.length;
      fresh = true;
    }
    line += (fresh ? "" : " ") + word.shown;
    used += (fresh ? 0 : 1) + word.length;
    fresh = false;
  }
  out.push(line);
}

function cut(text, room) {
  return text.length > room ? text.slice(0, Math.max(0, room - 1)) + "…" : text;
}

// ---------------------------------------------------------------------------------------------
// smtp-codes CODE
// ---------------------------------------------------------------------------------------------

function sourceOf(source) {
  return [source.document, source.section && `§${source.section}`].filter(Boolean).join(" ");
}

function codeLines(record) {
  const out = [];
  if (record.kind === "vendor") {
    for (const use of record.uses) {
      out.push(`${paint("bold", record.code)}  ${paint("bold", use.title)}  ${paint("dim", `(${use.vendor}'s own code)`)}`);
      field(out, "Meaning", use.meaning);
      field(out, "To do", use.action);
      field(out, "Who acts", use.who_acts.join(", ").replaceAll("_", " "));
      field(out, "Stop?", { true: "yes, stop sending to this address", false: "no", after_repeats: "if it keeps failing" }[String(use.stop_sending)]);
      field(out, "Source", `${use.source} (${use.source_kind}, checked ${use.verified})`);
      field(out, "Page", use.permalink);
      out.push("");
    }
    out.pop();
    return out;
  }
  const basic = record.kind === "basic";
  out.push(paint("bold", basic ? record.title : `${record.code}  ${record.title}`));
  field(out, "Class", basic ? `${record.severity_label}; ${record.category}` : `${record.severity_label}; ${record.subject_title}`);
  field(out, "Meaning", record.meaning);
  for (const [i, cause] of record.causes.entries()) field(out, i ? "" : "Causes", cause, { item: true });
  field(out, "Retry?", record.retry);
  field(out, "Sender", record.sender);
  field(out, "Admin", record.admin);
  if (!basic) {
    for (const [i, use] of record.vendor_meanings.entries()) field(out, i ? "" : "Vendors", `${use.vendor}: ${use.title}`, { item: true });
  }
  field(out, basic ? "Enhanced" : "Basic", (basic ? record.enhanced_codes : record.basic_codes).join(" "));
  field(out, "Source", basic ? sourceOf(record.source) : record.sources.map(sourceOf).join(", "));
  field(out, "Page", record.url);
  return out;
}

function explainCodes(codes, json) {
  const records = codes.map((code) => explain(code));
  const unknown = codes.filter((_, i) => !records[i]);
  const file = unknown.find((word) => existsSync(word));
  if (file) throw new UsageError(`${file} is a file, not a code; to read it: smtp-codes decode ${file}`);
  if (json) {
    console.log(JSON.stringify(codes.length === 1 ? records[0] : records, null, 2));
  } else {
    const shown = records.filter(Boolean).map((record) => codeLines(record).join("\n"));
    if (shown.length) console.log(shown.join("\n\n"));
  }
  for (const code of unknown) {
    // What the decoder still reads from the code's digits, for one that has no record.
    const read = decode(code);
    const hint = read.notes.map((note) => note.text).join(" ");
    console.error(`smtp-codes: ${code} is not a code the data knows${hint ? `. ${hint}` : "."}`);
  }
  return unknown.length === codes.length ? 1 : 0;
}

// ---------------------------------------------------------------------------------------------
// smtp-codes decode FILE
// ---------------------------------------------------------------------------------------------

const KIND_WORDS = { bounce: "A bounce", delay: "A delay warning", delivered: "A delivery report", reply: "A reply", log: "A log" };

function summary(result) {
  if (!KIND_WORDS[result.kind] || !result.recipients.length) return result.notes.map((note) => note.text).join(" ");
  if (result.kind === "reply") {
    const codes = [result.basic, result.enhanced].filter(Boolean).join(" ") || "no code";
    return `A reply: ${codes}${result.command ? ` in reply to ${result.command}` : ""}.`;
  }
  const counts = {};
  for (const r of result.recipients) counts[r.action || "unknown"] = (counts[r.action || "unknown"] || 0) + 1;
  return `${KIND_WORDS[result.kind]} about ${plural(result.recipients.length, "recipient")}: ` +
    Object.entries(counts).map(([action, n]) => `${n} ${action}`).join(", ") + ".";
}

/** What a provider says its own code means and what to do, from the API's records. */
function vendorWords(code, provider) {
  const record = explain(code);
  const uses = record?.kind === "vendor" ? record.uses : record?.vendor_meanings ?? [];
  return uses.find((use) => use.provider === provider) ?? null;
}

function recipientLines(r, explained) {
  const out = [];
  out.push(INDENT + paint(ACTION_STYLES[r.action] || "bold", (r.action || "").padEnd(LABEL)) + paint("bold", r.address || "(no address)"));
  const { enhancedInfo: enhanced, basicInfo: basic } = explained;
  const info = enhanced || basic;
  // Each code with its own title, the most specific first: a code outside the registry says so.
  const codes = [
    enhanced && `${enhanced.code}: ${enhanced.title ?? `not in the registry (${enhanced.subjectInfo?.name ?? "a vendor's subject"})`}`,
    basic && `${basic.code}: ${basic.text ?? (basic.registered ? basic.meaning : "not a registered reply code")}`,
  ].filter(Boolean);
  codes.forEach((text, i) => field(out, i ? "" : "Codes", text));
  if (r.outer) field(out, "Verdict", [r.outer.basic, r.outer.enhanced].filter(Boolean).join(" "));
  if (explained.reason) field(out, "Why", `${explained.reason.title} (${FROM_WORDS[explained.reason.from] || explained.reason.from})`);
  field(out, "Reply", r.reply);
  field(out, "Server", r.remoteMta);
  field(out, "Command", r.command);
  if (explained.provider) field(out, "Provider", explained.provider.name);
  for (const token of explained.tokens) field(out, "Token", `${token.code} (${token.vendor}): ${token.title}`);
  const vendor = enhanced?.vendor && vendorWords(r.enhanced, enhanced.vendor.provider);
  field(out, "Meaning", vendor?.meaning);
  field(out, "Retry?", info?.retry);
  field(out, "To do", vendor?.action ?? info?.action);
  // Other vendors' uses of the code are on its page; here only what applies to this reply.
  for (const note of explained.notes.filter((n) => n.kind !== "vendor-elsewhere")) field(out, "Note", note.text);
  const pages = [explained.tokens.map((t) => t.url), enhanced?.url, basic?.url, explained.reason?.url];
  field(out, "Pages", [...new Set(pages.flat().filter(Boolean))].map(absolute).join(" "));
  return out;
}

function printDecoded(result) {
  const out = result.kind === "log" ? [] : [summary(result)];
  if (result.kind === "log" || result.recipients.length > MANY_RECIPIENTS) {
    out.push(...(out.length ? [""] : []), ...triageLines(triageOf(result)));
  } else {
    for (const r of result.recipients) out.push("", ...recipientLines(r, explainRecipient(r, index, [])));
  }
  console.log(out.join("\n"));
}

// ---------------------------------------------------------------------------------------------
// smtp-codes triage FILE
// ---------------------------------------------------------------------------------------------

function domainsOf(domains) {
  const sorted = Object.entries(domains).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const shown = sorted.slice(0, 3).map(([domain, n]) => `${domain} ${n}`);
  return shown.join(", ") + (sorted.length > 3 ? `, +${sorted.length - 3}` : "");
}

function triageLines(t) {
  if (!t.records) return ["No delivery records: nothing to triage."];
  const problems = t.groups.reduce((n, g) => n + g.count, 0);
  const out = [`${plural(t.records, "delivery record")}: ${problems} failed or delayed, in ${plural(t.groups.length, "group")}; ` +
    `${t.delivered} delivered` +
    (t.unreadable ? `; ${plural(t.unreadable, "line")} that look like delivery records could not be read.` : ".")];
  if (!t.groups.length) return out;
  const head = ["Count", "Action", "Codes", "Reason", "Domains", "First", "Last"];
  const rows = t.groups.map((g) => [String(g.count), g.action || "", [g.basic, g.enhanced].filter(Boolean).join(" ") || "-",
    g.reason || "-", domainsOf(g.domains), g.first || "", g.last && g.last !== g.first ? g.last : ""]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  // Cells padded first, then painted: colour codes take no room on the screen.
  const line = (cells, styles = []) => cells.map((cell, i) => {
    const padded = i === 0 ? cell.padStart(widths[i]) : cell.padEnd(widths[i]);
    return styles[i] ? paint(styles[i], padded) : padded;
  }).join("  ").trimEnd();
  out.push("", line(head, head.map(() => "bold")));
  t.groups.forEach((g, n) => {
    out.push(line(rows[n], [null, ACTION_STYLES[g.action]]));
    if (g.example) out.push(paint("dim", cut(`${" ".repeat(widths[0] + 2)}${g.example}`, WIDTH)));
  });
  const reasons = [...new Set(t.groups.map((g) => g.reason).filter((id) => id && index.reasons[id]))];
  if (reasons.length) {
    out.push("", paint("bold", "Reasons"));
    const width = Math.max(...reasons.map((id) => id.length)) + 2;
    for (const id of reasons) field(out, id, `${index.reasons[id].title}: ${absolute(pageUrl(index, "guide", id))}`, { width });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Arguments and input
// ---------------------------------------------------------------------------------------------

function readInput(name) {
  // Someone who typed `decode -` at a prompt is waiting for it to say something.
  if (name === "-" && process.stdin.isTTY) console.error("smtp-codes: reading what you paste; end it with Ctrl-D on a line of its own");
  let bytes;
  try {
    bytes = readFileSync(name === "-" ? 0 : name);
  } catch (error) {
    const why = { ENOENT: "no such file", EACCES: "permission denied", EISDIR: "it is a folder" }[error.code] || error.message;
    throw new UsageError(`cannot read ${name === "-" ? "standard input" : name}: ${why}`);
  }
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = gunzipSync(bytes);
    } catch {
      throw new UsageError(`cannot read ${name}: it looks gzip-compressed but does not unpack`);
    }
  }
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function parse(argv) {
  const options = { json: false, help: false, version: false };
  const words = [];
  for (const arg of argv) {
    if (arg === "--json") options.json = true;
    else if (arg === "-h" || arg === "--help") options.help = true;
    else if (arg === "-V" || arg === "--version") options.version = true;
    else if (arg.startsWith("-") && arg !== "-") throw new UsageError(`unknown option ${arg}`);
    else words.push(arg);
  }
  return { options, words };
}

function fileOf(command, words) {
  if (words.length !== 1) throw new UsageError(`${command} reads one FILE (or - for standard input), not ${words.length}`);
  return readInput(words[0]);
}

function main(argv) {
  const { options, words } = parse(argv);
  if (options.help) {
    console.log(USAGE);
    return 0;
  }
  if (options.version) {
    console.log(version);
    return 0;
  }
  const [command, ...rest] = words;
  if (!command) throw new UsageError("name a code, or decode FILE, or triage FILE (smtp-codes --help)");
  if (command === "decode") {
    const result = decode(fileOf(command, rest));
    if (options.json) console.log(JSON.stringify(result, null, 2));
    else printDecoded(result);
    return result.found ? 0 : 1;
  }
  if (command === "triage") {
    const grouped = triage(fileOf(command, rest));
    if (options.json) console.log(JSON.stringify(grouped, null, 2));
    else console.log(triageLines(grouped).join("\n"));
    return grouped.records ? 0 : 1;
  }
  return explainCodes(words, options.json);
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof UsageError)) throw error;
  console.error(`smtp-codes: ${error.message}`);
  process.exitCode = 2;
}
