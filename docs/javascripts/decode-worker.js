// decode-worker.js: decode() off the page's thread, for large pastes and dropped files.
//
// A thin wrapper: a module worker that loads the index once and answers each request
// { id, input (string or Uint8Array), indexUrl } with { id, result } or { id, error }.

import { decode } from "./decode.js";

let index = null;

async function loadIndex(url) {
  if (!index) {
    const response = await fetch(url, { credentials: "same-origin" });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    index = await response.json();
  }
  return index;
}

self.addEventListener("message", async ({ data }) => {
  try {
    const result = decode(data.input, await loadIndex(data.indexUrl));
    self.postMessage({ id: data.id, result });
  } catch (error) {
    self.postMessage({ id: data.id, error: String(error && error.message ? error.message : error) });
  }
});
