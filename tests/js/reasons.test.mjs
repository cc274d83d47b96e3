// The decoder names the reason of every reply text of tests/fixtures/reasons.yaml (a table of
// replies in many languages, each with the reason an expert gives it), and of every provider reply
// the data holds, and names the provider whose reply it is.

import { test } from "node:test";
import assert from "node:assert/strict";

import { decode } from "../../docs/javascripts/decode.js";
import { index, load } from "./data.mjs";

const table = load("REASONS");
const replies = load("PROVIDER_REPLIES");

for (const [i, row] of table.entries()) {
  test(`reason ${i} (${row.lang}): ${row.text.slice(0, 70)}`, () => {
    const r = decode(row.text, index);
    assert.equal(r.reason && r.reason.id, row.reason);
    assert.ok(index.reasons[row.reason], "the reason is a guide of the site");
  });
}

for (const expected of replies) {
  test(`${expected.provider}: ${expected.reply.slice(0, 60)}`, () => {
    const r = decode(expected.reply, index);
    // A reply that quotes another ("450 4.7.0 Proxy session setup failed ... with '451 4.4.0 ...'")
    // is read as the quoted cause; its own codes are then the outer verdict, and an enhanced code
    // later in its text may be the quoted reply's (Exim's callout "... Response: 550 5.1.1 ...").
    if (r.outer) {
      assert.equal(r.outer.basic, expected.basic, "basic");
      assert.ok([r.outer.enhanced, r.enhanced].includes(expected.enhanced), "enhanced");
    } else {
      assert.equal(r.basic, expected.basic, "basic");
      assert.equal(r.enhanced, expected.enhanced, "enhanced");
    }
    assert.equal(r.provider && r.provider.id, expected.provider, "provider");
    assert.equal(r.reason && r.reason.id, expected.reason, "reason");
    if (!r.outer) {
      assert.equal(r.basicInfo.url, expected.urls.basic, "page of the basic code");
      if (expected.enhanced) assert.equal(r.enhancedInfo.url, expected.urls.enhanced, "page of the enhanced code");
    }
  });
}

test("the table covers every language the decoder knows and at least 300 texts", () => {
  assert.ok(table.length >= 300, `${table.length} texts`);
  const languages = new Set(table.map((row) => row.lang));
  for (const lang of ["en", "de", "fr", "es", "it", "pt", "nl", "ru", "ja", "zh"]) assert.ok(languages.has(lang), lang);
});
