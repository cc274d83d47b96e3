// Every provider reply recorded in data/codes.yaml decodes, with the site's own decoder, to the codes
// the data says it carries, and each code links to a page that exists.
//
//   LOOKUP_INDEX=site/lookup-index.json PROVIDER_REPLIES=replies.json node --test tests/js/
//
// PROVIDER_REPLIES is written by tests/test_decoder.py from the loaded data:
// [{ provider, reply, basic, enhanced, urls: { basic, enhanced } }, ...].

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";

import { decode } from "../../docs/javascripts/decode.js";

const { LOOKUP_INDEX, PROVIDER_REPLIES } = process.env;
if (!LOOKUP_INDEX || !PROVIDER_REPLIES) {
  throw new Error("Set LOOKUP_INDEX and PROVIDER_REPLIES (tests/test_decoder.py does) before running these tests.");
}
const index = JSON.parse(readFileSync(LOOKUP_INDEX, "utf8"));
const replies = JSON.parse(readFileSync(PROVIDER_REPLIES, "utf8"));

test("there are provider replies to check", () => {
  assert.ok(replies.length >= 60, `${replies.length} replies`);
});

for (const expected of replies) {
  test(`${expected.provider}: ${expected.reply.slice(0, 60)}`, () => {
    const result = decode(expected.reply, index);
    assert.equal(result.basic, expected.basic);
    assert.equal(result.enhanced, expected.enhanced);
    assert.equal(result.basicInfo.url, expected.urls.basic);
    if (expected.enhanced) assert.equal(result.enhancedInfo.url, expected.urls.enhanced);
  });
}
