// decode-worker.js: decode() off the page's thread, for large pastes and dropped files.
//
// A thin wrapper: a module worker that loads the index once and answers each request
// { id, input (string or Uint8Array) or file (a File), indexUrl } with { id, result } or { id, error }.
// A file that is a mail log or an export is streamed: read in chunks (unpacked on the way when it
// is gzip-compressed), grouped as it is read, with { id, progress: { read, total } } posted on the
// way; the page cancels by terminating the worker. A log's result carries its triage table
// (result.triage) instead of every recipient, so its memory stays that of the table.

import { decode } from "./decode.js";
import { createGrouper, createLogReader, groupRecipients, isLog } from "./logs.js";
import { readMessage } from "./message.js";

const HEAD_CHARS = 64 * 1024;     // what is read before deciding whether a file is a log
const PROGRESS_MS = 100;          // how often progress is posted

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

/** The file as a stream of text chunks, and how many of its (compressed) bytes were read so far. */
async function fileText(file) {
  let read = 0;
  const counted = file.stream().pipeThrough(new TransformStream({
    transform(chunk, controller) {
      read += chunk.byteLength;
      controller.enqueue(chunk);
    },
  }));
  const bytes = (await isGzip(file)) ? counted.pipeThrough(new DecompressionStream("gzip")) : counted;
  return { chunks: bytes.pipeThrough(new TextDecoderStream()).getReader(), read: () => read };
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
  const { chunks, read } = await fileText(file);
  let head = "";
  let done = false;
  while (!done && head.length < HEAD_CHARS) {
    const next = await chunks.read();
    done = next.done;
    if (!done) head += next.value;
  }
  if (!looksLikeLog(head, index)) {
    chunks.cancel();
    return decode(await fileBytes(file), index);
  }
  const reader = createLogReader(index);
  const grouper = createGrouper(index);
  let records = 0;
  const take = (recipients) => {
    records += recipients.length;
    for (const r of recipients) grouper.add(r);
  };
  take(reader.push(head));
  let posted = performance.now();
  while (!done) {
    const next = await chunks.read();
    done = next.done;
    if (!done) take(reader.push(next.value));
    if (performance.now() - posted > PROGRESS_MS) {
      posted = performance.now();
      self.postMessage({ id, progress: { read: read(), total: file.size } });
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
