// Fuzz: thousands of mutated inputs (cut, repeated, mixed, with binary bytes, and pathological
// lines of 100,000 characters) never make the decoder throw, and none takes long: every regular
// expression is linear, so no input can make one backtrack for long. Deterministic (a fixed seed).
//
// The ceiling of 50 ms is for runaway cases, not a benchmark: an input over it is timed twice
// more and its fastest run counts, so that a garbage collection or a busy machine is not a failure.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";

import { decode } from "../../docs/javascripts/decode.js";
import { index, load } from "./data.mjs";

const INPUTS = 5000;
const MAX_CHARS = 300_000;
const CEILING_MS = 50;

let seed = 20261201;
function random() {
  // mulberry32
  seed |= 0; seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = (list) => list[Math.floor(random() * list.length)];
const int = (n) => Math.floor(random() * n);

const sources = load("BOUNCES").map((c) => readFileSync(c.file, "latin1"));
const PATHOLOGICAL = [
  () => "5.5.5.".repeat(16_667),                        // 100,000 characters of dotted digits
  () => "550 ".repeat(25_000),
  () => "550-5.1.1 ".repeat(10_000),
  () => "<".repeat(50_000) + "550 5.1.1" + ">".repeat(50_000),
  () => "a@".repeat(50_000),
  () => "=".repeat(100_000),
  () => "--boundary\n".repeat(9_000),
  () => "Content-Type: multipart/mixed; boundary=x\n\n" + "--x\nContent-Type: multipart/mixed; boundary=x\n\n".repeat(2_000),
  () => "'".repeat(40_000) + "550-'".repeat(10_000),
  () => "Diagnostic-Code: smtp; " + "554 4.4.7 Message expired <".repeat(3_000),
  () => "user unknown * ".repeat(6_000),
  () => "\u0000\u0001\u00ff".repeat(30_000),
  () => "收件人：".repeat(20_000) + "bob@example.org",
  () => "to=<" + "x".repeat(99_990) + "@example.org>",
  () => "=?utf-8?B?" + "QUJD".repeat(25_000) + "?=",
];

function mutate() {
  const base = pick(sources);
  switch (int(7)) {
    case 0: { // a cut
      const from = int(base.length);
      return base.slice(from, from + int(base.length - from + 1));
    }
    case 1: { // repeated up to the size limit
      const part = base.slice(0, Math.max(1, int(base.length)));
      return part.repeat(Math.max(1, Math.min(int(40), Math.floor(MAX_CHARS / Math.max(1, part.length)))));
    }
    case 2: { // two messages mixed line by line
      const a = base.split("\n");
      const b = pick(sources).split("\n");
      return a.flatMap((line, i) => [line, b[i] ?? ""]).join("\n");
    }
    case 3: { // binary bytes sprinkled in
      const chars = base.split("");
      for (let i = 0; i < 50; i++) chars.splice(int(chars.length), 0, String.fromCharCode(int(256)));
      return chars.join("");
    }
    case 4: // a pathological line inside a real message
      return base.slice(0, int(base.length)) + "\n" + pick(PATHOLOGICAL)() + "\n" + base.slice(int(base.length));
    case 5: // only the pathological line
      return pick(PATHOLOGICAL)();
    default: { // characters replaced at random
      const chars = base.split("");
      for (let i = 0; i < 30; i++) chars[int(chars.length)] = pick(["5", ".", "<", ">", "\n", ":", "@", "-", "'", "=", "\r"]);
      return chars.join("");
    }
  }
}

function timed(input) {
  const start = performance.now();
  decode(input, index);
  return performance.now() - start;
}

test(`${INPUTS} mutated inputs: no exception, none over ${CEILING_MS} ms`, () => {
  const slow = [];
  let longest = 0;
  for (let i = 0; i < INPUTS; i++) {
    let input = mutate();
    if (input.length > MAX_CHARS) input = input.slice(0, MAX_CHARS);
    longest = Math.max(longest, input.length);
    const asBytes = i % 3 === 0;
    const value = asBytes ? new Uint8Array(Buffer.from(input, "latin1")) : input;
    let ms = timed(value);
    if (ms > CEILING_MS) ms = Math.min(ms, timed(value), timed(value));
    if (ms > CEILING_MS) slow.push({ i, ms: Math.round(ms), length: input.length, start: JSON.stringify(input.slice(0, 80)) });
  }
  assert.ok(longest >= 100_000, `the longest input had ${longest} characters`);
  assert.deepEqual(slow, []);
});
