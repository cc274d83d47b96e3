// What the decoder's Node tests read: the built index and the JSON files tests/test_decoder.py
// writes from the data and the fixtures (Node has no YAML parser, and the decoder needs none).

import { readFileSync } from "node:fs";

function json(variable) {
  const path = process.env[variable];
  if (!path) throw new Error(`Set ${variable} (tests/test_decoder.py does) before running these tests.`);
  return JSON.parse(readFileSync(path, "utf8"));
}

export const index = json("LOOKUP_INDEX");
export const load = json;
