// decode-worker.js: decode() off the page's thread, for large pastes and dropped files.
//
// A thin wrapper: a module worker that loads the index once ({ warm, indexUrl } loads it ahead of
// any request) and answers each request { id, input (string or Uint8Array) or file (a File),
// indexUrl } with { id, result } or { id, error }.
// A file that is a mail log or an export is streamed: read in pieces (unpacked on the way when it
// is gzip-compressed), grouped as it is read, with { id, progress: { read, total } } posted on the
// way; the page cancels by terminating the worker (which ends its helper too). A log's result
// carries its triage table (result.triage) instead of every recipient, so its memory stays that
// of the table. A large plain log is read in two halves at once: this worker starts a copy of
// itself as a helper (named HELPER, when it is warmed, so that the helper too is ready), which
// answers { part (a Blob), indexUrl } with { progress } and then { done: { table, reporter,
// contextual } } ({ done: { contextual: true } } as soon as a line needs the lines before it) or
// { error }.

import { decode } from "./decode.js";
import { createTriage, groupRecipients, isLog, mergeTables } from "./logs.js";
import { readMessage } from "./message.js";

const HEAD_CHARS = 64 * 1024;          // what is read before deciding whether a file is a log
const PROGRESS_MS = 100;               // how often progress is posted
const PIECE_BYTES = 64 * 1024;         // a file is decoded and triaged a piece at a time: see decodePieces
// A plain log this large is read in halves, on two cores: the helper's own heap costs some 50 MB,
// which only a large file repays (in time) and leaves within three times its size (in memory).
const SPLIT_BYTES = 64 * 1024 * 1024;
const HELPER = "decode-helper";
// Whether a helper can help: a second core, and workers that can start workers (Safari before 15.5 cannot).
const CAN_SPLIT = typeof Worker === "function" && (self.navigator?.hardwareConcurrency || 1) > 1;

let indexPromise = null;

/** The index, fetched once (a failed fetch is tried again by the next request). */
function loadIndex(url) {
  indexPromise ??= fetch(url, { credentials: "same-origin" }).then((response) => {
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    return response.json();
  }).catch((error) => {
    indexPromise = null;
    throw error;
  });
  return indexPromise;
}

async function isGzip(file) {
  const magic = new Uint8Array(await file.slice(0, 2).arrayBuffer());
  return magic[0] === 0x1f && magic[1] === 0x8b;
}

/** The file's bytes, unpacked when gzip-compressed: for a message, which decode() reads whole. */
async function fileBytes(file, gzip) {
  const stream = gzip ? file.stream().pipeThrough(new DecompressionStream("gzip")) : file.stream();
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** The text of `bytes` in pieces of at most PIECE_BYTES: the reader's garbage stays young, and
 * what the table keeps of a piece (an example reply, a time) keeps no more than the piece alive. */
function* decodePieces(decoder, bytes) {
  for (let at = 0; at < bytes.byteLength; at += PIECE_BYTES) {
    yield decoder.decode(bytes.subarray(at, at + PIECE_BYTES), { stream: true });
  }
}

/**
 * The text of a file or part of one in pieces, each with how many of its bytes were read so far:
 * streamed (unpacked on the way when gzip-compressed), the browser reading ahead while the pieces
 * before are triaged.
 */
async function* textPieces(blob, gzip) {
  const decoder = new TextDecoder();
  let read = 0;
  let bytes = blob.stream().pipeThrough(new TransformStream({
    transform(chunk, controller) {
      read += chunk.byteLength;
      controller.enqueue(chunk);
    },
  }));
  if (gzip) bytes = bytes.pipeThrough(new DecompressionStream("gzip"));
  const reader = bytes.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      for (const text of decodePieces(decoder, value)) yield { text, read };
    }
    yield { text: decoder.decode(), read: blob.size };
  } finally {
    reader.cancel().catch(() => {}); // a reader that stops early (a file that is no log) lets the file go
  }
}

/** Where the second half of a large plain file starts, after the first line break past its
 * middle; null for a file read whole by one worker. */
async function halfway(file) {
  if (file.size < SPLIT_BYTES || !CAN_SPLIT) return null;
  const middle = Math.floor(file.size / 2);
  const newline = new Uint8Array(await file.slice(middle, middle + HEAD_CHARS).arrayBuffer()).indexOf(10);
  return newline < 0 ? null : middle + newline + 1;
}

/** `post`, at most once every PROGRESS_MS. */
function throttled(post) {
  let posted = performance.now();
  return (...args) => {
    if (performance.now() - posted < PROGRESS_MS) return;
    posted = performance.now();
    post(...args);
  };
}

/** Every piece into the triage, `onRead(bytes read)` after each; with untilContextual, only until
 * a line is read in the light of those before it (then true). */
async function triageAll(triage, pieces, onRead, { untilContextual = false } = {}) {
  for await (const { text, read } of pieces) {
    triage.push(text);
    if (untilContextual && triage.state.contextual) return true;
    onRead(read);
  }
  return false;
}

/** A helper worker, its index loading; one that fails while spare is let go. */
function startHelper(indexUrl) {
  const helper = new Worker(new URL(import.meta.url), { type: "module", name: HELPER });
  helper.addEventListener("error", () => {
    if (spareHelper === helper) spareHelper = null;
  });
  helper.postMessage({ warm: true, indexUrl });
  return helper;
}

let spareHelper = null; // started when this worker is warmed, kept for the next large log

/**
 * A part of a file triaged by a helper worker: { done, stop() }, `done` a promise of { table,
 * reporter, contextual }, or of null when the helper failed or was stopped.
 */
function helperFor(part, indexUrl, onRead) {
  let helper = null;
  let settle = null;
  const done = new Promise((resolve) => {
    settle = resolve;
    try {
      helper = spareHelper ?? startHelper(indexUrl);
    } catch {
      resolve(null); // no workers in workers after all
      return;
    }
    spareHelper = null;
    helper.onmessage = ({ data }) => {
      if (data.progress !== undefined) return onRead(data.progress);
      // Kept for the next large log, unless another decode kept its own meanwhile.
      if (data.done && spareHelper === null) spareHelper = helper;
      else helper.terminate();
      resolve(data.done ?? null);
    };
    helper.onerror = () => {
      helper.terminate();
      resolve(null);
    };
    helper.postMessage({ part, indexUrl });
  });
  return {
    done,
    stop() {
      if (helper) helper.terminate();
      settle(null);
    },
  };
}

/** A log's text without mail headers, as decode() would read it as a log. */
function looksLikeLog(head, index) {
  return Object.keys(readMessage(head).headers).length === 0 && isLog(head, index);
}

/** A log's DecodeResult with its triage table in place of its recipients; `parts`: how many
 * workers read it (2 when its halves were read at once). */
function triageResult(table, reporter, parts = 1) {
  const first = table.groups[0] || null;
  return {
    found: table.records > 0, kind: "log", recipients: [], unreadable: table.unreadable, reporter, triage: table, parts,
    notes: [{ kind: "log", text: `Read ${table.records} delivery record${table.records === 1 ? "" : "s"}.` }],
    excerpt: first && first.example ? first.example : "", alsoFound: [],
  };
}

async function decodeFile(id, file, index, indexUrl) {
  const gzip = await isGzip(file);
  const pieces = textPieces(file, gzip);
  let head = "";
  for (let next; head.length < HEAD_CHARS && !(next = await pieces.next()).done;) head += next.value.text;
  if (!looksLikeLog(head, index)) {
    await pieces.return();
    return decode(await fileBytes(file, gzip), index);
  }
  const read = { first: 0, second: 0 }; // bytes read of each half (of the whole file in `first` when read whole)
  let shown = 0; // what the page was told: never less later, though a half read again counts anew
  const post = throttled(() => {
    shown = read.first + read.second;
    self.postMessage({ id, progress: { read: shown, total: file.size } });
  });
  const progress = (half) => (bytes) => {
    read[half] = bytes;
    if (read.first + read.second > shown) post();
  };
  const triage = createTriage(index);
  const cut = gzip ? null : await halfway(file);
  let other = null;
  if (cut === null) {
    triage.push(head);
    await triageAll(triage, pieces, progress("first"));
  } else {
    await pieces.return();
    const helper = helperFor(file.slice(cut), indexUrl, progress("second"));
    const onRead = progress("first");
    await triageAll(triage, textPieces(file.slice(0, cut), false), (bytes) => {
      onRead(bytes);
      if (triage.state.contextual) helper.stop(); // its half must be read after this one
    });
    other = await helper.done;
    // A CSV header or JSON in either half, whose lines are read in the light of those before
    // them, or a helper that failed: the second half is read again, after the first.
    if (!other || triage.state.contextual || other.contextual) {
      other = null;
      read.second = 0;
      await triageAll(triage, textPieces(file.slice(cut), false), (bytes) => onRead(cut + bytes));
    }
  }
  const { table, reporter } = triage.end();
  self.postMessage({ id, progress: { read: file.size, total: file.size } });
  return other ? triageResult(mergeTables(table, other.table), reporter, 2) : triageResult(table, reporter);
}

/** A helper's half of a file: its triage, with progress on the way; only { contextual } once a
 * line needs those before it, which the worker that asked reads again, in order. */
async function triagePart(part, index) {
  const triage = createTriage(index);
  const onRead = throttled((read) => self.postMessage({ progress: read }));
  const contextual = await triageAll(triage, textPieces(part, false), onRead, { untilContextual: true });
  return contextual ? { contextual: true } : triage.end();
}

/** A pasted text: its result, but a log's with its triage table (the page need not group it). */
function decodeText(input, index) {
  const result = decode(input, index);
  if (result.kind !== "log") return result;
  const table = { ...groupRecipients(result.recipients, index), unreadable: result.unreadable, records: result.recipients.length };
  return triageResult(table, result.reporter);
}

self.addEventListener("message", async ({ data }) => {
  if (data.warm) {
    loadIndex(data.indexUrl).catch(() => {}); // a request will say what failed
    if (self.name !== HELPER && CAN_SPLIT) spareHelper ??= startHelper(data.indexUrl);
    return;
  }
  if (data.part) {
    try {
      self.postMessage({ done: await triagePart(data.part, await loadIndex(data.indexUrl)) });
    } catch (error) {
      self.postMessage({ error: String(error && error.message ? error.message : error) });
    }
    return;
  }
  try {
    const loaded = await loadIndex(data.indexUrl);
    const result = data.file ? await decodeFile(data.id, data.file, loaded, data.indexUrl) : decodeText(data.input, loaded);
    self.postMessage({ id: data.id, result });
  } catch (error) {
    self.postMessage({ id: data.id, error: String(error && error.message ? error.message : error) });
  }
});
