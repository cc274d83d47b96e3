/**
 * decode.js: what a pasted or dropped text is about, recipient by recipient: a reply code, an SMTP
 * reply or transcript, a whole bounce (any MTA, any charset, several recipients, nested), a delay
 * warning, a delivery report, an auto-reply or a feedback report.
 *
 * Pure ES module, no DOM, no dependencies: lookup.js uses it in the browser, tests/js/ under Node.
 * It knows nothing of codes, providers or reasons itself: all of that comes from the index it is
 * given (lookup-index.json, generated from data/).
 *
 *   import { decode } from "./decode.js";
 *   const result = decode(textOrBytes, index);
 *
 * @typedef {Object} DecodeResult (every key is always present)
 * @property {boolean} found        a code, a recipient or a reason was found
 * @property {"reply"|"bounce"|"delay"|"delivered"|"auto-reply"|"feedback-report"|"log"|"unknown"} kind
 * @property {Recipient[]} recipients  one per recipient found, in order; a bare reply gives one
 *     with address null. The fields below describe the primary recipient: the first failed one,
 *     else the first delayed one, else the first.
 * @property {string|null} basic     the basic reply code the text carries for it ("550")
 * @property {string|null} enhanced  the enhanced code ("5.1.1", "5.1.351", "X.7.26")
 * @property {{basic: string|null, enhanced: string|null}|null} outer  the verdict of a reply that
 *     wraps this one ("554 4.4.7 Message expired ... <421 4.4.2 ...>": outer 554 4.4.7)
 * @property {string|null} command   the SMTP command it answered ("RCPT TO", "end of DATA", "CONNECT")
 * @property {Reason|null} reason    why: the guide, and what it was read from
 * @property {Provider|null} provider  whose reply it is, from the provider's signs in it
 * @property {string|null} reporter  the provider or MTA that wrote the report, when its signs say
 * @property {"positive"|"intermediate"|"transient"|"permanent"|null} severity
 * @property {boolean} mismatch      the basic code's first digit and the enhanced class disagree
 * @property {Object|null} basicInfo     see explain.js describeBasic
 * @property {Object|null} enhancedInfo  see explain.js describeEnhanced
 * @property {{code: string, provider: string, vendor: string, title: string, url: string|null}[]} tokens
 *     provider tokens in its reply ("TSS04", "S3150"), explained
 * @property {Note[]} notes          things the reader should know, in display order
 * @property {string} excerpt        the reply the answer came from (at most 500 characters)
 * @property {string[]} alsoFound    other codes the recipients' replies carry
 * @property {number} unreadable     lines of a log that look like delivery records but could not be read
 *
 * @typedef {Object} Recipient
 * @property {string|null} address
 * @property {"failed"|"delayed"|"delivered"|"relayed"|"expanded"|null} action  RFC 3464's words
 * @property {string|null} basic
 * @property {string|null} enhanced
 * @property {{basic: string|null, enhanced: string|null}|null} outer
 * @property {string|null} reply      the reply text, quoted (at most 500 characters)
 * @property {string|null} remoteMta
 * @property {string|null} command
 * @property {string|null} reason     a guide id ("unknown-recipient")
 * @property {"text"|"token"|"code"|null} reasonFrom  what the reason was read from
 * @property {string|null} provider   a provider id, from its signs in the reply
 *
 * @typedef {{id: string, title: string, url: string, from: "text"|"token"|"code"}} Reason
 * @typedef {{id: string, name: string, url: string}} Provider
 * @typedef {{kind: string, text: string}} Note
 */

import { addressIn, readDeliveryStatus, readFields } from "./dsn.js";
import { describeBasic, describeEnhanced, describeToken, pageUrl } from "./explain.js";
import { isLog, readLog } from "./logs.js";
import { readMessage } from "./message.js";
import { normalise, providerOf, reasonOf, reportAction, tokensIn } from "./reasons.js";
import { answeredCommand, chooseReply, classOf, commandName, findCommand, findReplies, isGenericStatus, readReply, tokeniseLines } from "./replies.js";
import { ADDRESS_RE, addressesIn, hostOf, ownText, readReportText, remoteServerIn } from "./reports.js";

const MAX_REPLY_CHARS = 500;
const ADDRESS_LINE = /^[\s<]*[^\s@<>]+@[^\s@<>]+?>?\s*:?\s*$/m;  // a part's first line, when it only names the recipient
const MAX_REPORT_CHARS = 4_000_000;  // a failure anywhere in a large paste is found; beyond this is no report
const OPENING_CHARS = 10_000;      // where a report says what it is
// The classes of reply that fit what a DSN's Action says happened.
const ACTION_CLASSES = { failed: ["5", "4"], delayed: ["4", "5"], delivered: ["2"], relayed: ["2"], expanded: ["2"] };
// Reasons that say how a delivery ended rather than why.
const OUTCOME_REASONS = new Set(["delayed", "expired-in-queue"]);


// ---------------------------------------------------------------------------------------------
// The result
// ---------------------------------------------------------------------------------------------

const SEVERITY_WORDS = { positive: "success", intermediate: "intermediate reply", transient: "temporary failure", permanent: "permanent failure" };

function emptyResult(notes, kind = "unknown") {
  return {
    found: false, kind, recipients: [], basic: null, enhanced: null, outer: null, command: null, reason: null,
    provider: null, reporter: null, severity: null, mismatch: false, basicInfo: null, enhancedInfo: null, tokens: [],
    notes, excerpt: "", alsoFound: [], unreadable: 0,
  };
}

function looksBinary(text) {
  const sample = text.slice(0, 4096);
  let control = 0;
  for (let i = 0; i < sample.length; i++) {
    const c = sample.charCodeAt(i);
    // Tab, line ends, form feed and ESC (ISO-2022-JP switches character sets with it) are text.
    if ((c < 32 && c !== 9 && c !== 10 && c !== 13 && c !== 12 && c !== 27) || c === 0xfffd) control++;
  }
  return sample.length > 0 && control / sample.length > 0.05;
}

function knownBasic(index) {
  return (code) => Boolean(index.basic && index.basic[code]);
}

/** A reply's text, quoted as the card shows it: its lines joined, at most 500 characters. */
function quote(text) {
  const joined = text.replace(/\s*\n\s*/g, " ").replace(/\s{2,}/g, " ").trim();
  return joined.length > MAX_REPLY_CHARS ? joined.slice(0, MAX_REPLY_CHARS - 1) + "…" : joined;
}

/** The reply text around the chosen code: from the first line of a multi-line reply ("550-5.1.1
 * ...", then "550 5.1.1 ...") to its end (continuation lines, up to a blank line). */
function replyText(text, line) {
  const lines = text.split(/\r?\n/);
  const code = /^\s*(?:\S+\s+)?([2-5]\d\d)[ -]/.exec(lines[line] || "");
  let start = line;
  while (code && start > 0 && start > line - 8 && new RegExp(`^\\s*(?:\\S+\\s+)?${code[1]}-`).test(lines[start - 1])) start--;
  const out = [];
  for (let i = start; i < lines.length && out.length < 12; i++) {
    if (i > line && lines[i].trim() === "") break;
    out.push(lines[i]);
  }
  return out.join("\n");
}

// ---------------------------------------------------------------------------------------------
// One recipient: its codes, reply, command, provider and reason.
// ---------------------------------------------------------------------------------------------

/**
 * A recipient from the text that belongs to it (its DSN block's diagnostic and its part of the
 * human-readable report) and the DSN's Status, when there is one.
 */
function recipient(index, { address, action, status = null, diagnostic = null, partText = "", remoteMta = null, transcript = null }) {
  const known = knownBasic(index);
  const sources = [diagnostic, partText].filter(Boolean);
  let reply = null;
  let source = null;
  // A reply from the human-readable part must fit what the DSN says happened: a delivered
  // recipient's part of the report holds no failure of another recipient.
  const fits = (found) => !action || !ACTION_CLASSES[action] || ACTION_CLASSES[action].includes(classOf(found));
  for (const text of sources) {
    reply = readReply(text, known);
    if (reply && (reply.basic || reply.enhanced) && (text === diagnostic || fits(reply))) {
      source = text;
      break;
    }
    reply = null;
  }
  let basic = reply ? reply.basic : null;
  let enhanced = reply ? reply.enhanced : null;
  const outer = reply ? reply.outer : null;
  // The specific code of the reply beats a generic Status; a reply without an enhanced code takes
  // the Status when the classes agree.
  let enhancedFrom = enhanced ? "reply" : null;
  if (status && /^[245]\.\d{1,3}\.\d{1,3}$/.test(status)) {
    if (!enhanced && (!basic || basic[0] === status[0]) && !(outer && outer.enhanced)) { enhanced = status; enhancedFrom = "status"; }
    else if (enhanced && isGenericStatus(enhanced) && !isGenericStatus(status) && enhanced[0] === status[0]) { enhanced = status; enhancedFrom = "status"; }
  }
  const replyLines = source ? replyText(source, reply.line) : "";
  // Without a code, the words of the recipient's part are what the report says: quote them.
  const quoted = replyLines ? quote(source === diagnostic ? diagnostic : replyLines) : diagnostic ? quote(diagnostic)
    : partText.trim() ? quote(partText.replace(ADDRESS_LINE, "")) : null;
  // The words read for the reason and the provider: the reply, and the recipient's part of the
  // report up to where a report's own words end (a few KB).
  const wording = [diagnostic, partText].filter(Boolean).join("\n").slice(0, 6000);
  const lines = source ? tokeniseLines(source) : [];
  // The command is named beside the reply, or in the recipient's part of the report (Postfix's
  // "(in reply to RCPT TO command)" is in the human-readable part, not in Diagnostic-Code).
  const phrases = index.formats?.commands;
  const found = (reply && source ? findCommand(lines, reply.line, phrases) : null)
    || (partText && source !== partText ? findCommand(tokeniseLines(partText), 0, phrases) : null)
    || (reply && source && transcript ? commandInTranscript(transcript, lines[reply.line].text, reply, phrases) : null);
  const only = basic && index.basic?.[basic]?.command;
  const command = found ? { ...found, command: answeredCommand(found.command, enhanced) }
    : only ? { command: commandName(only) } : null;
  // The reply's own signs name its provider; else the server that replied ("aspmx.l.google.com")
  // or the recipient's part of the report (a transcript's greeting, "220 ... ESMTP Postfix").
  const server = hostOf(remoteMta) || remoteServerIn(wording, index.formats?.servers);
  // A gateway that wraps the reply of the server behind it passes that server's verdict on: the
  // inner reply's signs name the provider (Barracuda quoting Microsoft 365).
  let provider = (quoted && providerOf(quoted, index)) || (server && providerOf(server, index)) || providerOf(wording, index);
  if (provider && index.providers[provider]?.gateway && reply && reply.outer && source) {
    provider = providerOf(source.split(/\r?\n/)[reply.line].slice(reply.start), index) || provider;
  }
  let reason = reasonOf(quoted || wording, { basic, enhanced, provider }, index)
    || (quoted && wording !== quoted ? reasonOf(wording, { basic, enhanced, provider }, index) : null);
  // "Message delayed" or "expired" says only how it ended: the recipient's part may say why.
  if (reason && OUTCOME_REASONS.has(reason.id) && wording !== quoted) {
    const cause = reasonOf(wording.replace(quoted || "", ""), { provider }, index);
    if (cause && cause.from === "text" && !OUTCOME_REASONS.has(cause.id)) reason = cause;
  }
  // The DSN's Action says what happened when the words do not: a delivered recipient was
  // delivered, a delayed one with no stated cause is delayed.
  if (["delivered", "relayed", "expanded"].includes(action) && (!reason || reason.from === "code")) {
    reason = { id: "delivered", from: "code" };
  } else if (action === "delayed" && (!reason || (reason.from === "code" && reason.id === "expired-in-queue"))) {
    reason = { id: "delayed", from: "code" };
  }
  const resolvedAction = action || (classOf({ basic, enhanced }) === "5" ? "failed" : classOf({ basic, enhanced }) === "4" ? "delayed"
    : classOf({ basic, enhanced }) === "2" ? "delivered" : null);
  return {
    address, action: resolvedAction, basic, enhanced, outer, reply: quoted,
    remoteMta: server, command: command ? command.command : null,
    reason: reason ? reason.id : null, reasonFrom: reason ? reason.from : null, provider,
    ...(enhancedFrom === "status" && basic ? { enhancedFrom } : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// Reading the kinds of input
// ---------------------------------------------------------------------------------------------

function header(message, name) {
  return message.headers[name] || "";
}

// How far from its reply a transcript's command may be, in lines; how much of a report is read
// for its transcript.
const TRANSCRIPT_REACH = 6;
const MAX_TRANSCRIPT_CHARS = 200000;

function transcriptOf(reportText) {
  return reportText ? tokeniseLines(reportText.slice(0, MAX_TRANSCRIPT_CHARS)) : null;
}

/** The command a reply answered, from the report's session transcript (Sendmail's "... while
 * talking to", Courier's and MDaemon's): the line that repeats the reply, then the client line
 * or phrase before it. */
function commandInTranscript(transcript, replyLine, reply, phrases) {
  const at = replyLine.indexOf(reply.basic || reply.enhanced);
  const key = at === -1 ? "" : normalise(replyLine.slice(at, at + 40)).trim();
  if (key.length < 8) return null;
  for (const line of transcript) {
    if (!normalise(line.text).includes(key)) continue;
    const found = findCommand(transcript, line.index, phrases);
    if (found && found.dist <= TRANSCRIPT_REACH) return found;
  }
  return null;
}

/** The reason the words of a text give, read once per text: a decode asks it of the same opening
 * several times. */
const wordsRead = new WeakMap();
function reasonWords(text, index) {
  let read = wordsRead.get(index);
  if (!read) wordsRead.set(index, (read = new Map()));
  if (read.has(text)) return read.get(text);
  const words = reasonOf(text, {}, index);
  if (read.size > 16) read.clear();
  read.set(text, words);
  return words;
}

/** Recipients of a DSN, each completed from its part of the human-readable report. */
function fromDeliveryStatus(dsn, reportText, index) {
  const parts = reportText ? readReportText(reportText) : [];
  const transcript = transcriptOf(reportText);
  return dsn.recipients.map((r, i) => {
    const part = parts.find((p) => p.address && r.address && p.address === r.address.toLowerCase())
      || (parts.length === dsn.recipients.length ? parts[i] : null)
      || (dsn.recipients.length === 1 && parts.length === 1 ? parts[0] : null);
    return recipient(index, { address: r.address, action: r.action, status: r.status,
      diagnostic: r.diagnostic, partText: part ? part.text : "", remoteMta: r.remoteMta, transcript });
  });
}

/** Recipients of a report that has only its human-readable part; `said` is what the report's own
 * words say of them ("failed", "delayed", "delivered", "relayed"). */
function fromReportText(text, index, { said, opening }) {
  const parts = readReportText(text);
  const transcript = transcriptOf(text);
  return parts.map((part) => {
    const r = recipient(index, { address: part.address, action: null, partText: part.text, transcript });
    // A report about one recipient may give the cause before naming it (docomo: "refused by the
    // recipient's settings" ... then "To: frank@..."): its opening words are that recipient's reason.
    if (parts.length === 1 && !r.reason && opening && !OUTCOME_REASONS.has(opening.id) && opening.id !== "delivered") {
      r.reason = opening.id;
      r.reasonFrom = opening.from;
    }
    // A bounce sent after the last retry is final even when the last reply was temporary; a delay
    // warning's recipients are still being tried; a delivery report's were delivered.
    if (said === "failed" && (r.action === "delayed" || r.action === null)) r.action = "failed";
    else if (said === "delayed" && r.action !== "delivered") r.action = "delayed";
    else if ((said === "delivered" || said === "relayed") && !r.basic && !r.enhanced) {
      r.action = said;
      if (!r.reason) { r.reason = "delivered"; r.reasonFrom = "text"; }
    }
    return r;
  }).filter((r) => r.basic || r.enhanced || r.reason || r.address);
}

function feedbackRecipients(part, index) {
  const fields = readFields(part)[0] || {};
  const address = addressIn(fields["original-rcpt-to"]) || null;
  return address ? [{ address, action: "delivered", basic: null, enhanced: null, outer: null, reply: null,
    remoteMta: null, command: null, reason: "feedback-report", reasonFrom: "text", provider: null }] : [];
}

function mdnRecipients(part) {
  const groups = readFields(part);
  const fields = groups.find((g) => g["final-recipient"]) || {};
  const address = addressIn(fields["final-recipient"]);
  return address ? [{ address, action: "delivered", basic: null, enhanced: null, outer: null, reply: null,
    remoteMta: null, command: null, reason: "delivered", reasonFrom: "text", provider: null }] : [];
}

/** Whether a message with headers is a report of a mail system: a sender or a subject of
 * data/formats.yaml, or report or reason words in its own text. */
function looksLikeReport(message, ownBody, index) {
  if (header(message, "x-failed-recipients")) return true;
  const from = (header(message, "from") + " " + header(message, "return-path")).toLowerCase();
  if ((index.formats?.senders || []).some((sender) => from.includes(sender))) return true;
  if (reportAction(header(message, "subject"), index)) return true;
  const opening = ownBody.slice(0, OPENING_CHARS);
  const words = reasonWords(opening, index);
  return Boolean(reportAction(opening, index) || (words && !["auto-reply", "feedback-report"].includes(words.id)));
}

/** A report that says it is one: a report sender, X-Failed-Recipients, or report words outside
 * the lines it quotes (an out-of-office reply may quote a bounce). */
function reportsItself(message, ownBody, index) {
  if (header(message, "x-failed-recipients")) return true;
  if (subjectSaysAutoReply(message, index)) return false;
  const from = (header(message, "from") + " " + header(message, "return-path")).toLowerCase();
  if ((index.formats?.senders || []).some((sender) => from.includes(sender))) return true;
  const unquoted = ownBody.slice(0, OPENING_CHARS).split("\n").filter((line) => !/^\s*>/.test(line)).join("\n");
  return Boolean(reportAction(header(message, "subject") + "\n" + unquoted, index));
}

/** Whether the subject's first words name an automatic reply: "Automatische Antwort: WG:
 * Unzustellbar: ..." is an out-of-office reply to a forwarded bounce, whatever the bounce says. */
function subjectSaysAutoReply(message, index) {
  const opening = header(message, "subject").split(":")[0];
  return Boolean(opening) && reasonWords(opening, index)?.id === "auto-reply";
}

/** An automatic reply (RFC 3834): its headers say so, or its subject or opening words do. */
function looksLikeAutoReply(message, ownBody, index) {
  if (subjectSaysAutoReply(message, index)) return true;
  const auto = header(message, "auto-submitted").toLowerCase();
  if (/auto-replied/.test(auto)) return true;
  if (header(message, "x-autoreply") || header(message, "x-autorespond") || /auto_reply/i.test(header(message, "precedence"))) return true;
  const words = reasonWords(header(message, "subject") + "\n" + ownBody.slice(0, 5000), index);
  return Boolean(words && words.id === "auto-reply");
}

function kindOf(recipients) {
  if (recipients.some((r) => r.action === "failed")) return "bounce";
  if (recipients.some((r) => r.action === "delayed")) return "delay";
  if (recipients.length && recipients.every((r) => ["delivered", "relayed", "expanded"].includes(r.action))) return "delivered";
  return "bounce";
}

/** A bare reply or a session transcript: one recipient, named when the reply names it. */
// Where a log line or a transcript names the recipient: Postfix "to=<bob@...>", a client's
// "RCPT TO:<bob@...>" (the last one before the reply).
const LOG_RECIPIENT = new RegExp(`\\bto=<(${ADDRESS_RE.source})>`, "iu");
const RCPT_LINE = new RegExp(`rcpt to:\\s*<?(${ADDRESS_RE.source})`, "iu");
const SENT_TO = new RegExp(`(?:--to|\\bto)\\s+<?(${ADDRESS_RE.source})`, "iu");

function namedRecipient(text, lines, line) {
  const near = (i) => (lines[i] && lines[i].includes("@") ? lines[i].slice(0, 2000) : "");
  const logged = LOG_RECIPIENT.exec(near(line));
  if (logged) return logged[1];
  for (const re of [RCPT_LINE, SENT_TO]) {
    for (let i = Math.min(line, lines.length - 1); i >= 0 && i >= line - 60; i--) {
      const m = re.exec(near(i));
      if (m) return m[1];
    }
  }
  const [inReply] = addressesIn(replyText(text, line), { limit: 1 });
  return inReply ? inReply.address : null;
}

function fromReplyText(text, index, candidates = findReplies(text)) {
  const chosen = chooseReply(candidates, knownBasic(index));
  if (!chosen) return [];
  const r = recipient(index, { address: null, action: null, partText: text });
  const address = namedRecipient(text, text.split(/\r?\n/), chosen.line);
  r.address = address ? address.replace(/^[<(]+|[>)]+$/g, "") : null;
  return [r];
}

// ---------------------------------------------------------------------------------------------
// decode()
// ---------------------------------------------------------------------------------------------

function describe(result, index, notes) {
  const primary = result.recipients.find((r) => r.action === "failed")
    || result.recipients.find((r) => r.action === "delayed") || result.recipients[0] || null;
  if (!primary) return result;
  Object.assign(result, explainRecipient(primary, index, notes));
  result.found = true;
  return result;
}

/**
 * What the site says about one recipient: the codes described, the reason and the provider with
 * their titles and pages, the tokens of its reply, and the notes a reader needs.
 */
export function explainRecipient(r, index, notes = []) {
  const basicInfo = r.basic ? describeBasic(r.basic, index, notes) : null;
  const enhancedInfo = r.enhanced ? describeEnhanced(r.enhanced, index, notes, r.provider) : null;
  const guide = r.reason && index.reasons ? index.reasons[r.reason] : null;
  const provider = r.provider && index.providers ? index.providers[r.provider] : null;
  const tokens = tokensIn(r.reply || "", index).map(({ code, uses }) => describeToken(code, uses, index, r.provider));
  let mismatch = false;
  if (basicInfo && enhancedInfo && enhancedInfo.class && enhancedInfo.class !== r.basic[0] && !r.outer) {
    mismatch = true;
    notes.unshift({ kind: "mismatch", text: `${r.basic} is a ${SEVERITY_WORDS[basicInfo.severity] ?? "reply"} but ${r.enhanced} says ` +
      `${SEVERITY_WORDS[enhancedInfo.severity] ?? "another class"}. RFC 2034 requires the classes to agree; ` +
      `SMTP clients act on the basic code, so treat it as a ${SEVERITY_WORDS[basicInfo.severity] ?? "reply"}.` });
  }
  if (r.enhancedFrom === "status") {
    notes.push({ kind: "from-status", text: `The reply has no enhanced code; ${r.enhanced} comes from the DSN's Status: field.` });
  }
  if (r.outer) {
    const outer = [r.outer.basic, r.outer.enhanced].filter(Boolean).join(" ");
    notes.push({ kind: "wrapped", text: `The final verdict was ${outer}; the reply it quotes, ${[r.basic, r.enhanced].filter(Boolean).join(" ")}, says why.` });
  }
  return {
    basic: r.basic, enhanced: r.enhanced, outer: r.outer, command: r.command,
    severity: basicInfo ? basicInfo.severity : enhancedInfo ? enhancedInfo.severity : null,
    mismatch, basicInfo, enhancedInfo, tokens,
    reason: guide ? { id: r.reason, title: guide.title, url: pageUrl(index, "guide", r.reason), from: r.reasonFrom } : null,
    provider: provider ? { id: r.provider, name: provider.name, url: pageUrl(index, "provider", r.provider) } : null,
    excerpt: excerptOf(r),
    notes,
  };
}

const COMMAND_PHRASES = { CONNECT: "initial greeting", "end of DATA": "end of DATA command" };

/** A short text that decodes to the same answer: the reply, with its recipient and the command
 * it answered written the way Postfix writes them. The page's address keeps it for long inputs. */
function excerptOf(r) {
  if (!r.reply) return "";
  const lead = r.address ? `<${r.address}>: ` : "";
  const command = r.command && !/in reply to|after /i.test(r.reply) ? ` (in reply to ${COMMAND_PHRASES[r.command] || r.command + " command"})` : "";
  return (lead + r.reply + command).slice(0, MAX_REPLY_CHARS);
}

function alsoFound(result) {
  const shown = new Set([result.basic, result.enhanced]);
  const out = [];
  for (const r of result.recipients) {
    for (const code of [r.basic, r.enhanced, r.outer && r.outer.basic, r.outer && r.outer.enhanced]) {
      if (code && !shown.has(code) && out.length < 8) { shown.add(code); out.push(code); }
    }
  }
  return out;
}

/**
 * Decode a reply code, an SMTP reply or transcript, a whole message or a mail log.
 * @param {string|Uint8Array} input  what the user pasted, or the bytes of a dropped file
 * @param {object} index  the parsed lookup-index.json
 * @returns {DecodeResult}
 */
export function decode(input, index) {
  index = index || {};
  const isBytes = input instanceof Uint8Array;
  const text = isBytes ? null : typeof input === "string" ? input : "";
  if (!isBytes && text.trim() === "") {
    return emptyResult([{ kind: "not-found", text: "Nothing to decode yet: paste a reply code such as 550 or 5.1.1, an SMTP reply, or a whole bounce." }]);
  }
  const message = readMessage(isBytes ? input : text);
  const sample = message.parts.map((p) => p.text).join("\n").slice(0, 8192);
  if (looksBinary(sample)) {
    return emptyResult([{ kind: "binary", text: "This looks like binary data, not text: no SMTP reply code found. Paste the bounce as text." }]);
  }
  const notes = [];
  const own = message.parts.filter((p) => !p.returned);
  const body = own.filter((p) => p.type.startsWith("text/")).map((p) => p.text).join("\n");
  const hasHeaders = Object.keys(message.headers).length > 0;

  if (!hasHeaders && isLog(body, index)) {
    const log = readLog(body, index);
    const { primary, ...result } = log;
    if (primary) Object.assign(result, explainRecipient(primary, index, result.notes));
    return result;
  }

  const hasReply = (text) => findReplies(text.slice(0, 20000)).some((c) => c.lead && (c.basic || c.enhanced));
  const reportText = ownText(body, hasReply, index.formats).slice(0, MAX_REPORT_CHARS);
  const result = emptyResult(notes, "unknown");
  result.reporter = providerOf(reportText.slice(0, 8000) + "\n" + header(message, "from"), index);

  const part = (type) => own.find((p) => p.type === type);
  // A feedback report (ARF): its part, its fields pasted as text, or its report type alone.
  const feedback = part("message/feedback-report") || (/^feedback-type:/im.test(reportText)
    || /report-type=["']?feedback-report/i.test(header(message, "content-type") + reportText.slice(0, 2000)) ? { text: reportText } : null);
  const disposition = part("message/disposition-notification");
  const statusPart = part("message/delivery-status") || part("message/global-delivery-status");

  if (feedback) {
    result.kind = "feedback-report";
    result.recipients = feedbackRecipients(feedback.text, index);
    result.found = true;
    result.reason = reasonInfo("feedback-report", "text", index);
    notes.push({ kind: "not-a-failure", text: "This is a feedback report (RFC 5965): a recipient marked a message as spam or abuse. Nothing bounced." });
    return finish(result, index);
  }
  if (disposition) {
    result.kind = "delivered";
    result.recipients = mdnRecipients(disposition.text);
    result.found = true;
    notes.push({ kind: "not-a-failure", text: "This is a read or disposition notice (RFC 8098): the message reached the recipient." });
    return finish(result, index);
  }
  const dsn = statusPart ? readDeliveryStatus(statusPart.text) : readDeliveryStatus(reportText);
  if (dsn) {
    result.recipients = fromDeliveryStatus(dsn, statusPart ? reportText : reportText.split(/^(?:reporting-mta|final-recipient)\s*:/im)[0], index);
    result.kind = kindOf(result.recipients);
    return finish(describe(result, index, notes), index);
  }
  const report = hasHeaders && looksLikeReport(message, reportText, index);
  const subject = header(message, "subject");
  const said = reportAction(subject + "\n" + reportText.slice(0, OPENING_CHARS), index);
  if (hasHeaders && !(report && reportsItself(message, reportText, index))) {
    // An auto-reply says so in its headers or subject; a report that also says so (Exchange Online
    // and docomo mark their NDRs Auto-Submitted) is still a report when it names itself one.
    if (looksLikeAutoReply(message, reportText, index)) {
      result.kind = "auto-reply";
      result.found = true;
      result.reason = reasonInfo("auto-reply", "text", index);
      notes.push({ kind: "not-a-failure", text: "This is an automatic reply (an out-of-office or autoresponder message, RFC 3834). The message was delivered; nothing bounced." });
      return finish(result, index);
    }
    if (!report) {
      notes.push({ kind: "not-found", text: "This is an ordinary message, not a bounce or a report of a mail server: no failure to explain." });
      return finish(result, index);
    }
  }
  const words = reasonWords(reportText.slice(0, OPENING_CHARS), index);
  const candidates = findReplies(reportText.slice(0, MAX_REPORT_CHARS));
  const atReplyPosition = candidates.some((c) => c.lead || (c.basic && c.enhanced && c.start === 0));
  const named = readReportText(reportText).some((p) => p.address);
  if (hasHeaders || (named && (atReplyPosition || said || (words && !["delivered", "delayed"].includes(words.id))))
      || (said && said !== "delivered" && words)) {
    result.recipients = fromReportText(reportText, index, { said: said || (words && words.id === "delayed" ? "delayed" : "failed"), opening: words });
    if (result.recipients.length) {
      result.kind = kindOf(result.recipients);
      return finish(describe(result, index, notes), index);
    }
  }
  if (candidates.length && !atReplyPosition && isProse(reportText)) {
    // Codes named in passing in an ordinary text (a changelog, an invoice) are not a reply to explain.
    notes.push({ kind: "not-found", text: "The text mentions codes in passing but holds no SMTP reply or bounce to explain; " +
      "paste the reply line or the whole bounce." });
    result.alsoFound = [...new Set(candidates.flatMap((c) => [c.basic, c.enhanced]).filter(Boolean))].slice(0, 8);
    return result;
  }
  result.recipients = fromReplyText(reportText, index, candidates);
  if (result.recipients.length) {
    result.kind = "reply";
    finish(describe(result, index, notes), index);
    // A transcript's other replies (the greeting, 250 OK) are listed too.
    const shown = new Set([result.basic, result.enhanced, ...result.alsoFound]);
    for (const c of candidates) {
      for (const code of [c.basic, c.enhanced]) {
        if (code && !shown.has(code) && result.alsoFound.length < 8) { shown.add(code); result.alsoFound.push(code); }
      }
    }
    return result;
  }
  if (words) {
    // Words without a code: "mailbox full", "connection timed out" typed or pasted alone.
    const outcome = index.reasons?.[words.id]?.outcome;
    result.recipients = [{ address: null, action: outcome === "success" ? "delivered" : outcome === "delay" ? "delayed" : null,
      basic: null, enhanced: null, outer: null, reply: quote(reportText), remoteMta: null, command: null,
      reason: words.id, reasonFrom: "text", provider: providerOf(reportText, index) }];
    result.kind = "reply";
    return finish(describe(result, index, notes), index);
  }
  notes.push({ kind: "not-found", text: "No SMTP reply code found. Paste a code such as 550 or 5.1.1, an SMTP reply line, or the whole bounce." });
  return result;
}

/** Several lines or sentences of ordinary prose, not a reply line or a short note. */
function isProse(text) {
  const lines = text.split(/\n/).filter((line) => line.trim());
  return lines.length > 3 || text.length > 240;
}

function reasonInfo(id, from, index) {
  const guide = index.reasons && index.reasons[id];
  return guide ? { id, title: guide.title, url: pageUrl(index, "guide", id), from } : null;
}

function finish(result, index) {
  if (!result.reason && result.recipients.length) {
    const r = result.recipients[0];
    if (r.reason) result.reason = reasonInfo(r.reason, r.reasonFrom, index);
  }
  result.alsoFound = alsoFound(result);
  return result;
}
