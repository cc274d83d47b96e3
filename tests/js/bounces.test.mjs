// Every whole-message fixture of tests/fixtures/bounces/ decodes to the answer its expected.yaml
// gives: the kind, and for each recipient in order its address, action, codes, reason and, where
// the fixture names them, the command, the remote server, the provider and the outer verdict.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";

import { decode } from "../../docs/javascripts/decode.js";
import { index, load } from "./data.mjs";

const cases = load("BOUNCES");

for (const c of cases) {
  test(`${c.family}/${c.file.split("/").pop()}`, () => {
    const r = decode(new Uint8Array(readFileSync(c.file)), index);
    assert.equal(r.kind, c.kind, "kind");
    const got = r.recipients.map((g) => ({ ...g, address: g.address ? g.address.toLowerCase() : null }));
    assert.equal(got.length, c.recipients.length, `recipients: ${JSON.stringify(got.map((g) => g.address))}`);
    c.recipients.forEach((want, i) => {
      const g = got[i];
      const where = `recipient ${i} (${want.address})`;
      assert.equal(g.address, want.address ? want.address.toLowerCase() : null, `${where}: address`);
      for (const field of ["action", "basic", "enhanced", "reason"]) {
        assert.equal(g[field] ?? null, want[field] ?? null, `${where}: ${field}`);
      }
      if (want.command) assert.equal(g.command === "end of DATA" ? "DATA" : g.command, want.command === "end of DATA" ? "DATA" : want.command, `${where}: command`);
      if (want.remote_mta) assert.equal(g.remoteMta && g.remoteMta.toLowerCase(), want.remote_mta.toLowerCase(), `${where}: remote MTA`);
      if (want.provider) assert.equal(g.provider, want.provider, `${where}: provider`);
      if (want.outer) assert.deepEqual(g.outer, { basic: want.outer.basic ?? null, enhanced: want.outer.enhanced ?? null }, `${where}: outer`);
    });
    if (r.recipients.length) {
      // The reply is quoted for the card, as text, at most 500 characters.
      for (const g of r.recipients) assert.ok(g.reply === null || (typeof g.reply === "string" && g.reply.length <= 500));
    }
  });
}

test("the fixtures are at least 150 whole messages", () => {
  assert.ok(cases.length >= 150, `${cases.length} fixtures`);
});
