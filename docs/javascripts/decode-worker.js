// decode-worker.js: decode() off the page's thread, for large pastes and dropped files.
//
// A thin wrapper: a module worker that loads the index once and answers each request
// { id, input (string or Uint8Array) or file (a File), indexUrl } with { id, result } or { id, error }.
// A file that is a mail log or an export is streamed: read in pieces (unpacked on the way when it
// is gzip-compressed), grouped as it is read, with { id, progress: { read, total } } posted on the
// way; the page cancels by terminating the worker. A log's result carries its triage table
// (result.triage) instead of every recipient, so its memory stays that of the table.

import { decode } from "./decode.js";
import { createGrouper, createLogReader, groupRecipients, isLog } from "./logs.js";
import { readMessage } from "./message.js";

const HEAD_CHARS = 64 * 1024;     // what is read before deciding whether a file is a log
const PROGRESS_MS = 100;          // how often progress is posted
const SLICE_BYTES = 1024 * 1024;  // a plain file is read a slice at a time
const PIECE_CHARS = 64 * 1024;    // the reader takes the text a piece at a time

let index = null;

async function loadIndex(url) {
  if (!index) {
    const response = await fetch(url, { credentials: "same-origin" });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    index = await response.json();
  }
  return index;
}

async function isGzip(file) {
  const magic = new Uint8Array(await file.slice(0, 2).arrayBuffer());
  return magic[0] === 0x1f && magic[1] === 0x8b;
}

/** The file's bytes, unpacked when gzip-compressed: for a message, which decode() reads whole. */
async function fileBytes(file) {
  const stream = (await isGzip(file)) ? file.stream().pipeThrough(new DecompressionStream("gzip")) : file.stream();
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/**
 * The file's text in pieces, each with how many of the file's bytes were read so far. A plain file
 * is read slice by slice (Chromium keeps far less memory for that than for file.stream()); a
 * gzip-compressed one streams through DecompressionStream.
 */
async function* textPieces(file) {
  const decoder = new TextDecoder();
  if (!(await isGzip(file))) {
    for (let at = 0; at < file.size; at += SLICE_BYTES) {
      const bytes = await file.slice(at, at + SLICE_BYTES).arrayBuffer();
      yield { text: decoder.decode(bytes, { stream: true }), read: Math.min(at + SLICE_BYTES, file.size) };
    }
    yield { text: decoder.decode(), read: file.size };
    return;
  }
  let read = 0;
  const counted = file.stream().pipeThrough(new TransformStream({
    transform(chunk, controller) {
      read += chunk.byteLength;
      controller.enqueue(chunk);
    },
  }));
  const reader = counted.pipeThrough(new DecompressionStream("gzip")).getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    yield { text: decoder.decode(value, { stream: true }), read };
  }
  yield { text: decoder.decode(), read: file.size };
}

/** A log's text without mail headers, as decode() would read it as a log. */
function looksLikeLog(head, index) {
  return Object.keys(readMessage(head).headers).length === 0 && isLog(head, index);
}

/** A log's DecodeResult with its triage table in place of its recipients. */
function triageResult(table, reporter) {
  const first = table.groups[0] || null;
  return {
    found: table.records > 0, kind: "log", recipients: [], unreadable: table.unreadable, reporter, triage: table,
    notes: [{ kind: "log", text: `Read ${table.records} delivery record${table.records === 1 ? "" : "s"}.` }],
    excerpt: first && first.example ? first.example : "", alsoFound: [],
  };
}

async function decodeFile(id, file, index) {
  const pieces = textPieces(file);
  let head = "";
  for (let next; head.length < HEAD_CHARS && !(next = await pieces.next()).done;) head += next.value.text;
  if (!looksLikeLog(head, index)) {
    await pieces.return();
    return decode(await fileBytes(file), index);
  }
  const reader = createLogReader(index);
  const grouper = createGrouper(index);
  let records = 0;
  const take = (recipients) => {
    records += recipients.length;
    for (const r of recipients) grouper.add(r);
  };
  // Pieces of at most PIECE_CHARS: the recipients of each are grouped and gone before the next,
  // so garbage stays young and memory that of the table.
  const push = (text) => {
    for (let i = 0; i < text.length; i += PIECE_CHARS) take(reader.push(text.slice(i, i + PIECE_CHARS)));
  };
  push(head);
  let posted = performance.now();
  for await (const { text, read } of pieces) {
    push(text);
    if (performance.now() - posted > PROGRESS_MS) {
      posted = performance.now();
      self.postMessage({ id, progress: { read, total: file.size } });
    }
  }
  take(reader.end());
  self.postMessage({ id, progress: { read: file.size, total: file.size } });
  return triageResult({ ...grouper.result(), unreadable: reader.state.unreadable, records }, reader.state.reporter);
}

/** A pasted text: its result, but a log's with its triage table (the page need not group it). */
function decodeText(input, index) {
  const result = decode(input, index);
  if (result.kind !== "log") return result;
  const table = { ...groupRecipients(result.recipients, index), unreadable: result.unreadable, records: result.recipients.length };
  return triageResult(table, result.reporter);
}

self.addEventListener("message", async ({ data }) => {
  try {
    const loaded = await loadIndex(data.indexUrl);
    const result = data.file ? await decodeFile(data.id, data.file, loaded) : decodeText(data.input, loaded);
    self.postMessage({ id: data.id, result });
  } catch (error) {
    self.postMessage({ id: data.id, error: String(error && error.message ? error.message : error) });
  }
});
