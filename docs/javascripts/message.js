/**
 * message.js: read a pasted or dropped mail message into its text parts.
 *
 * Pure ES module, no DOM and no dependencies (TextDecoder is in every browser and in Node). It reads
 * what people paste or drop: a whole .eml (headers, MIME multipart, base64 and quoted-printable
 * parts in any charset the browser knows: ISO-8859-x, Windows-125x, KOI8-R, ISO-2022-JP, Shift_JIS,
 * EUC-JP, GB18030, Big5, EUC-KR), an mbox with one message, or just the text of a report.
 *
 *   readMessage(input) -> { headers, parts }
 *     input   a string (pasted text) or a Uint8Array (a dropped file's bytes)
 *     headers the top-level header fields, { name (lower case): value (unfolded, decoded) }
 *     parts   the leaf parts in order: { type, headers, text, returned }
 *             type      "text/plain", "text/html" (already turned into text), "message/delivery-status",
 *                       "message/feedback-report", "message/disposition-notification", ...
 *             returned  true inside the returned original (message/rfc822, text/rfc822-headers):
 *                       its codes belong to another message and are never the answer
 * A text without a header block is one text/plain part.
 */

const MAX_DEPTH = 8;              // nested multiparts deeper than this are read as text
const MAX_PART_CHARS = 4_000_000; // a part's text beyond this is not needed to find a failure
const HEADER_LINE = /^([A-Za-z0-9][A-Za-z0-9_-]{0,76})[ \t]*:[ \t]?(.*)$/;
// A header block must name at least one field of mail (or an X- field): "In:", "Out:", "S:" lines
// of a transcript are not headers.
const MAIL_HEADERS = new Set(["content-type", "mime-version", "received", "return-path", "message-id", "subject",
  "from", "to", "cc", "date", "reply-to", "sender", "delivered-to", "envelope-to", "delivery-date", "auto-submitted",
  "content-transfer-encoding", "content-description", "content-disposition", "content-id", "references",
  "in-reply-to", "thread-topic", "thread-index", "dkim-signature", "authentication-results", "precedence",
  "importance", "user-agent", "list-unsubscribe", "arc-seal"]);
const DSN_FIELDS = new Set(["reporting-mta", "final-recipient", "original-recipient", "action", "status",
  "diagnostic-code", "remote-mta", "arrival-date", "feedback-type"]);

/** Bytes of a string whose characters are all below 256 (a "binary string"), or UTF-8 otherwise. */
function bytesOf(text) {
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 255) return new TextEncoder().encode(text);
    bytes[i] = c;
  }
  return bytes;
}

/** Bytes as a binary string: one character per byte, so MIME structure can be read on it. */
function binaryString(bytes) {
  let out = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    out += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  }
  return out;
}

const decoders = new Map();

/** Decode bytes with a MIME charset label; unknown labels fall back to UTF-8, then Windows-1252. */
export function decodeBytes(bytes, charset) {
  let label = (charset || "utf-8").toLowerCase().replace(/^["']|["']$/g, "");
  if (label === "unicode-1-1-utf-7" || label === "utf-7") label = "utf-8"; // no UTF-7 decoder: ASCII survives
  if (label === "ks_c_5601-1987") label = "euc-kr";
  let decoder = decoders.get(label);
  if (decoder === undefined) {
    try {
      decoder = new TextDecoder(label, { fatal: false });
    } catch {
      decoder = null;
    }
    decoders.set(label, decoder);
  }
  if (decoder === null) {
    const utf8 = new TextDecoder("utf-8", { fatal: false }).decode(bytes);
    return utf8.includes("\ufffd") ? new TextDecoder("windows-1252").decode(bytes) : utf8;
  }
  return decoder.decode(bytes);
}

function decodeBase64(text) {
  const clean = text.replace(/[^A-Za-z0-9+/]/g, "");
  const usable = clean.length - (clean.length % 4);
  const out = new Uint8Array(Math.floor((usable * 3) / 4) + 3);
  const value = (c) => (c >= 65 && c <= 90 ? c - 65 : c >= 97 && c <= 122 ? c - 71 : c >= 48 && c <= 57 ? c + 4 : c === 43 ? 62 : 63);
  let n = 0;
  for (let i = 0; i < usable; i += 4) {
    const v = (value(clean.charCodeAt(i)) << 18) | (value(clean.charCodeAt(i + 1)) << 12) |
      (value(clean.charCodeAt(i + 2)) << 6) | value(clean.charCodeAt(i + 3));
    out[n++] = (v >> 16) & 255;
    out[n++] = (v >> 8) & 255;
    out[n++] = v & 255;
  }
  const rest = clean.length % 4;
  if (rest >= 2) {
    const v = (value(clean.charCodeAt(usable)) << 18) | (value(clean.charCodeAt(usable + 1)) << 12) |
      (rest === 3 ? value(clean.charCodeAt(usable + 2)) << 6 : 0);
    out[n++] = (v >> 16) & 255;
    if (rest === 3) out[n++] = (v >> 8) & 255;
  }
  return out.subarray(0, n);
}

/** Quoted-printable to bytes: soft line breaks join what a line wrap split (a reply, even a code). */
function decodeQuotedPrintable(text) {
  const joined = text.replace(/=\r?\n/g, "");
  const out = new Uint8Array(joined.length);
  let n = 0;
  for (let i = 0; i < joined.length; i++) {
    const c = joined.charCodeAt(i);
    if (c === 61 && /^[0-9A-Fa-f]{2}$/.test(joined.slice(i + 1, i + 3))) {
      out[n++] = parseInt(joined.slice(i + 1, i + 3), 16);
      i += 2;
    } else {
      out[n++] = c > 255 ? 63 : c;
    }
  }
  return out.subarray(0, n);
}

/** RFC 2047 encoded words in a header value: =?charset?B?...?= and =?charset?Q?...?=. */
export function decodeHeaderValue(value) {
  return value
    .replace(/(=\?[^?\s]+\?[BbQq]\?[^?\s]*\?=)\s+(?==\?)/g, "$1")
    .replace(/=\?([^?\s]+)\?([BbQq])\?([^?\s]*)\?=/g, (whole, charset, encoding, data) => {
      const bytes = encoding.toUpperCase() === "B" ? decodeBase64(data) : decodeQuotedPrintable(data.replace(/_/g, " "));
      return decodeBytes(bytes, charset.replace(/\*.*$/, ""));
    });
}

/**
 * The header block at the start of text, if it is one: {headers, bodyStart} or null. A header block
 * is a run of "Name: value" lines (with folded continuations) ended by an empty line; it must have
 * at least two fields, or one that only mail has, so that a reply such as "Status: 5.0.0" pasted
 * alone is not taken for headers.
 */
function readHeaderBlock(text, start) {
  const headers = {};
  const order = [];
  let at = start;
  let count = 0;
  let last = null;
  while (at < text.length) {
    let end = text.indexOf("\n", at);
    if (end === -1) end = text.length;
    const line = text.slice(at, end).replace(/\r$/, "");
    if (line === "") {
      at = end + 1;
      break;
    }
    if (/^[ \t]/.test(line) && last) {
      headers[last] += " " + line.trim();
    } else {
      const m = HEADER_LINE.exec(line);
      if (!m) return null;
      last = m[1].toLowerCase();
      headers[last] = headers[last] !== undefined ? headers[last] + "\n" + m[2] : m[2];
      order.push(last);
      count++;
    }
    at = end + 1;
  }
  if (order.some((name) => MAIL_HEADERS.has(name) || name.startsWith("x-"))) return { headers, order, bodyStart: Math.min(at, text.length) };
  return null;
}

/** A header value's main token and parameters: "multipart/report; boundary=x" -> {value, params}. */
function parseParameters(value) {
  const [main, ...rest] = (value || "").split(";");
  const params = {};
  for (const piece of rest) {
    const m = /^\s*([^=\s]+)\s*=\s*"?([^"]*)"?\s*$/.exec(piece);
    if (m) params[m[1].toLowerCase()] = m[2];
  }
  return { value: main.trim().toLowerCase(), params };
}

/** Tags, scripts and entities out of HTML: what a reader of the rendered NDR sees, line by line. */
export function htmlToText(html) {
  return html
    .replace(/<(script|style|head)\b[^>]*>[^]*?<\/\1\s*>/gi, " ")
    .replace(/<br\s*\/?>|<\/(p|div|tr|li|h[1-6]|table)>/gi, "\n")
    .replace(/<[^>]{0,2000}>/g, " ")
    .replace(/&nbsp;/gi, " ")
    .replace(/&lt;/gi, "<").replace(/&gt;/gi, ">").replace(/&quot;/gi, '"').replace(/&#x27;|&#39;|&apos;/gi, "'")
    .replace(/&#(\d{1,6});/g, (_, n) => String.fromCodePoint(Math.min(Number(n), 0x10ffff)))
    .replace(/&#x([0-9a-f]{1,6});/gi, (_, n) => String.fromCodePoint(Math.min(parseInt(n, 16), 0x10ffff)))
    .replace(/&amp;/gi, "&")
    .replace(/[ \t]+\n/g, "\n");
}

/**
 * The text of a part body: transfer encoding undone, then decoded with its charset. `raw` is a
 * binary string when the input was bytes (charsetKnown false) or already text when pasted.
 */
function bodyText(raw, headers, fromBytes) {
  const encoding = (headers["content-transfer-encoding"] || "").trim().toLowerCase();
  const { params } = parseParameters(headers["content-type"]);
  const charset = params.charset;
  if (encoding === "base64") return decodeBytes(decodeBase64(raw), charset);
  if (encoding === "quoted-printable") return decodeBytes(decodeQuotedPrintable(fromBytes ? raw : binaryString(bytesOf(raw))), charset);
  if (fromBytes) {
    // 7bit / 8bit / binary: the bytes are in the part's charset. ISO-2022-JP's escape bytes are text.
    return decodeBytes(bytesOf(raw), charset || "utf-8");
  }
  return raw;
}

function splitMultipart(body, boundary) {
  const delimiter = "--" + boundary;
  const parts = [];
  let at = body.indexOf(delimiter);
  if (at === -1) return null;
  while (at !== -1) {
    let start = at + delimiter.length;
    if (body.startsWith("--", start)) break; // the closing delimiter
    start = body.indexOf("\n", start);
    if (start === -1) break;
    let next = body.indexOf("\n" + delimiter, start);
    const end = next === -1 ? body.length : next;
    parts.push(body.slice(start + 1, end).replace(/\r$/, ""));
    at = next === -1 ? -1 : next + 1;
  }
  return parts;
}

function readEntity(text, headers, fromBytes, depth, returned, parts) {
  const { value: type, params } = parseParameters(headers["content-type"] || "text/plain");
  if (type.startsWith("multipart/") && params.boundary && depth < MAX_DEPTH) {
    const pieces = splitMultipart(text, params.boundary);
    if (pieces) {
      let alternatives = [];
      for (const piece of pieces) {
        const block = readHeaderBlock(piece, 0) || { headers: {}, bodyStart: 0 };
        const before = parts.length;
        readEntity(piece.slice(block.bodyStart), block.headers, fromBytes, depth + 1, returned, parts);
        if (type === "multipart/alternative") alternatives.push(parts.slice(before));
      }
      if (type === "multipart/alternative" && alternatives.some((alt) => alt.some((p) => p.type === "text/plain"))) {
        // Keep the plain text; its HTML twin says the same thing again.
        const keep = new Set(alternatives.flat().filter((p) => p.type !== "text/html"));
        for (let i = parts.length - 1; i >= 0; i--) if (!keep.has(parts[i]) && alternatives.flat().includes(parts[i])) parts.splice(i, 1);
      }
      return;
    }
  }
  if ((type === "message/rfc822" || type === "message/global") && depth < MAX_DEPTH) {
    const inner = bodyText(text, headers, fromBytes);
    const block = readHeaderBlock(inner, 0);
    if (block) {
      parts.push({ type: "text/rfc822-headers", headers: {}, text: inner.slice(0, block.bodyStart), returned: true });
      readEntity(inner.slice(block.bodyStart), block.headers, false, depth + 1, true, parts);
    } else {
      parts.push({ type: "text/plain", headers, text: inner, returned: true });
    }
    return;
  }
  let body = bodyText(text, headers, fromBytes);
  if (body.length > MAX_PART_CHARS) body = body.slice(0, MAX_PART_CHARS);
  if (type === "text/html") body = htmlToText(body);
  const isReturned = returned || type === "text/rfc822-headers";
  if (/^(image|audio|video|font)\//.test(type) || type === "application/octet-stream" || type === "application/ms-tnef") return;
  parts.push({ type, headers, text: body, returned: isReturned });
}

/**
 * Read a message. A string is taken as pasted text (already in Unicode); a Uint8Array as the bytes
 * of a file, whose parts are decoded with their own charsets.
 */
export function readMessage(input) {
  const fromBytes = input instanceof Uint8Array;
  let text = fromBytes ? binaryString(input) : String(input);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  let start = 0;
  // An mbox holding one message starts with its "From " separator line.
  if (text.startsWith("From ")) {
    const newline = text.indexOf("\n");
    start = newline === -1 ? text.length : newline + 1;
  }
  // A MIME part pasted from inside a message starts with its boundary line: read the parts.
  const pasted = /^\s*--([^\s-][^\r\n]{0,69})\r?\n(?=[A-Za-z-]+:)/.exec(text.slice(start, start + 200));
  if (pasted) {
    const parts = [];
    readEntity(text.slice(start), { "content-type": `multipart/mixed; boundary="${pasted[1].trim()}"` }, fromBytes, 0, false, parts);
    if (parts.length) return { headers: {}, parts };
  }
  const block = readHeaderBlock(text, start);
  // DSN fields pasted alone ("Reporting-MTA: ...", "Final-Recipient: ...") are a report, not headers.
  const dsnOnly = block && !block.headers["content-type"] && block.order.some((name) => DSN_FIELDS.has(name));
  if (!block || dsnOnly) {
    const body = fromBytes ? decodeBytes(input, "utf-8") : text;
    return { headers: {}, parts: [{ type: "text/plain", headers: {}, text: body, returned: false }] };
  }
  const headers = {};
  for (const [name, value] of Object.entries(block.headers)) {
    // Raw 8-bit header bytes are most often UTF-8; encoded words carry their own charset.
    headers[name] = decodeHeaderValue(fromBytes && /[\x80-\xff]/.test(value) ? decodeBytes(bytesOf(value), "utf-8") : value);
  }
  const parts = [];
  readEntity(text.slice(block.bodyStart), block.headers, fromBytes, 0, false, parts);
  return { headers, parts };
}
