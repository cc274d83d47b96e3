// Mail logs and exports: every fixture of tests/fixtures/logs/ gives the exact triage table its
// expected.yaml states (groups with their counts, domains and times; deliveries; unreadable lines),
// pasted whole through decode() and streamed in small chunks through the triage the worker uses; a
// log read in two halves and merged (as the worker reads a large file) gives the table of the
// whole; a generated log with a known share of unreadable lines is counted exactly; the table's
// filters, sort and CSV export.

import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";

import { decode } from "../../docs/javascripts/decode.js";
import { createTriage, groupRecipients, isLog, mergeTables, timeKey } from "../../docs/javascripts/logs.js";
import { filterGroups, sortGroups, triageCsv } from "../../docs/javascripts/triage.js";
import { index, load } from "./data.mjs";

const fixtures = load("LOG_FIXTURES");
const generated = load("GENERATED_LOG");

const KEYS = ["action", "basic", "enhanced", "reason", "verdict", "count", "domains"];
const groupKey = (g) => [g.action, g.basic, g.enhanced, g.reason].join("|");

function comparable(groups, withTimes) {
  return groups.map((g) => Object.fromEntries([...KEYS, ...(withTimes(g) ? ["first", "last"] : [])].map((k) => [k, g[k] ?? null])))
    .sort((a, b) => groupKey(a).localeCompare(groupKey(b)));
}

/** The triage of a text given in chunks of `chunk` characters: { table, reporter, contextual }. */
function triaged(text, chunk) {
  const triage = createTriage(index);
  for (let i = 0; i < text.length; i += chunk) triage.push(text.slice(i, i + chunk));
  return triage.end();
}

const streamed = (text, chunk) => triaged(text, chunk).table;

/** Where a text may be cut in two as the worker cuts a file: after a line break. */
function cuts(text, count) {
  const places = [];
  for (let k = 1; k <= count; k++) {
    const at = text.indexOf("\n", Math.floor((text.length * k) / (count + 1)));
    if (at >= 0 && !places.includes(at + 1)) places.push(at + 1);
  }
  return places;
}

// The fixtures with CSV exports or JSON events (the mixed one has JSON lines after its log lines).
const CONTEXTUAL_FAMILIES = new Set(["exchange", "m365", "ses", "sendgrid", "mailgun", "postmark", "sparkpost", "mixed"]);

describe("log fixtures", () => {
  test("every format of the issue has fixtures", () => {
    const families = new Set(fixtures.map((f) => f.family));
    for (const family of ["postfix", "exim", "sendmail", "exchange", "m365", "ses", "sendgrid", "mailgun", "postmark", "sparkpost", "mixed"]) {
      assert.ok(families.has(family), family);
    }
  });

  for (const f of fixtures) {
    test(`${f.family}/${f.file.split("/").pop()}`, () => {
      const text = readFileSync(f.file, "utf8");
      const want = f.expected;
      const r = decode(text, index);
      assert.equal(r.kind, want.kind);
      assert.equal(r.recipients.length, want.records, "records");
      assert.equal(r.unreadable, want.unreadable, "unreadable");
      for (const g of r.recipients) {
        for (const field of ["address", "action", "basic", "enhanced", "reason", "reply"]) assert.ok(field in g, field);
      }
      const table = groupRecipients(r.recipients, index);
      assert.equal(table.delivered, want.delivered, "delivered");
      const expectedTimes = new Set(want.groups.filter((g) => "first" in g).map(groupKey));
      const withTimes = (g) => expectedTimes.has(groupKey(g));
      assert.deepEqual(comparable(table.groups, withTimes), comparable(want.groups, withTimes));
      // Streamed in chunks that cut lines anywhere: the same table.
      const chunks = streamed(text, 61);
      assert.deepEqual(comparable(chunks.groups, withTimes), comparable(want.groups, withTimes));
      assert.equal(chunks.delivered, want.delivered);
      assert.equal(chunks.unreadable, want.unreadable);
      assert.equal(chunks.records, want.records);
    });
  }
});

describe("a log read in two halves", () => {
  for (const f of fixtures) {
    test(`${f.family}/${f.file.split("/").pop()}: merged, the table of the whole, or contextual`, () => {
      const text = readFileSync(f.file, "utf8");
      const whole = triaged(text, 4096);
      // CSV rows need their header and JSON events their document: such a log is read in one go.
      assert.equal(whole.contextual, CONTEXTUAL_FAMILIES.has(f.family), f.family);
      for (const cut of cuts(text, 5)) {
        const first = triaged(text.slice(0, cut), 4096);
        const second = triaged(text.slice(cut), 4096);
        if (first.contextual || second.contextual) {
          assert.ok(whole.contextual, `cut at ${cut}: a half is contextual, the whole is not`);
          continue;
        }
        assert.deepEqual(mergeTables(first.table, second.table), whole.table, `cut at ${cut}`);
      }
    });
  }

  test("a generated log cut anywhere between lines: the same table, groups in the same order", () => {
    const text = readFileSync(generated.file, "utf8");
    const whole = triaged(text, 65536);
    assert.equal(whole.contextual, false);
    for (const cut of cuts(text, 7)) {
      const merged = mergeTables(triaged(text.slice(0, cut), 65536).table, triaged(text.slice(cut), 65536).table);
      assert.deepEqual(merged, whole.table, `cut at ${cut}`);
    }
  });

  test("merging adds counts and domains, and keeps the earliest first, the latest last and the first example", () => {
    const group = (count, domains, first, firstKey, last, lastKey, example) => ({ action: "failed", basic: "550", enhanced: "5.1.1",
      reason: "unknown-recipient", verdict: "drop", count, domains, first, firstKey, last, lastKey, example });
    const a = { groups: [group(2, { "example.org": 2 }, "t2", 2, "t5", 5, null)], delivered: 1, unreadable: 1, records: 3 };
    const b = { groups: [group(3, { "example.org": 1, "example.net": 2 }, "t1", 1, "t9", 9, "550 5.1.1 unknown")], delivered: 4, unreadable: 0, records: 7 };
    const m = mergeTables(a, b);
    assert.deepEqual(m.groups[0], group(5, { "example.org": 3, "example.net": 2 }, "t1", 1, "t9", 9, "550 5.1.1 unknown"));
    assert.deepEqual([m.delivered, m.unreadable, m.records], [5, 1, 10]);
    assert.equal(a.groups[0].count, 2, "the parts are left as they were");
    // Both with an example and the same times: the first part's example and first time, the second's last.
    const c = { groups: [group(1, {}, "t1", 1, "t1", 1, "from the first")], delivered: 0, unreadable: 0, records: 1 };
    const d = { groups: [group(1, {}, "t1b", 1, "t1b", 1, "from the second")], delivered: 0, unreadable: 0, records: 1 };
    const [both] = mergeTables(c, d).groups;
    assert.deepEqual([both.example, both.first, both.last], ["from the first", "t1", "t1b"]);
  });
});

describe("generated log", () => {
  const text = readFileSync(generated.file, "utf8");
  const want = generated.expected;

  test("a mixed log with 5 % unreadable lines is counted exactly", () => {
    const lines = text.split("\n").filter(Boolean).length;
    assert.ok(Math.abs(want.unreadable / lines - 0.05) < 0.01, `${want.unreadable} of ${lines}`);
    const got = streamed(text, 65536);
    assert.equal(got.unreadable, want.unreadable);
    assert.equal(got.delivered, want.delivered);
    assert.deepEqual(comparable(got.groups, () => false), comparable(want.groups, () => false));
  });

  test("pasted whole, the same counts", () => {
    const r = decode(text, index);
    assert.equal(r.kind, "log");
    assert.equal(r.unreadable, want.unreadable);
    assert.deepEqual(comparable(groupRecipients(r.recipients, index).groups, () => false), comparable(want.groups, () => false));
  });
});

describe("a record reads the same wherever it is", () => {
  const postfix = (n, address, reply, dsn = "5.7.1") => `Nov 29 10:00:0${n} mx postfix/smtp[10${n}]: Q${n}ABCDEF: to=<${address}>, relay=mx.example.net[192.0.2.1]:25, `
    + `delay=1, dsn=${dsn}, status=bounced (host mx.example.net[192.0.2.1] said: ${reply} (in reply to RCPT TO command))`;
  const readings = (text) => decode(text, index).recipients.map((r) => [r.basic, r.enhanced, r.reason, r.provider].join(" "));
  const alone = (lines) => lines.map((line) => readings(`${line}\n${line}\n`)[0]);
  /** Every cut between lines of a non-contextual log: the merged halves give the whole's table. */
  const mergesExactly = (text) => {
    const whole = triaged(text, 4096).table;
    for (let at = text.indexOf("\n") + 1; at > 0 && at < text.length; at = text.indexOf("\n", at) + 1) {
      assert.deepEqual(mergeTables(triaged(text.slice(0, at), 4096).table, triaged(text.slice(at), 4096).table), whole, `cut at ${at}`);
    }
  };

  test("a provider's code of an id's shape is not taken for an id: Comcast's BL000000 and BL000001 keep their reasons", () => {
    const block = (code) => `554 5.7.1 comcast 192.0.2.9 Comcast block for spam. Please see http://postmaster.comcast.net/smtp-error-codes.php#${code}`;
    const lines = [postfix(1, "a@example.org", block("BL000000")), postfix(2, "b@example.org", block("BL000001")),
      postfix(3, "c@example.org", block("BL000000")), postfix(4, "d@example.org", block("BL000001"))];
    const each = alone(lines);
    assert.notEqual(each[0], each[1], "the two codes have different reasons in the data");
    assert.deepEqual(readings(lines.join("\n")), each);
    mergesExactly(lines.join("\n") + "\n");
  });

  test("a reply with another address in it is read on its own, not as the one before it with a new recipient", () => {
    const lines = [postfix(1, "a@example.org", "550 5.1.1 <a@example.org> unknown, forwarded from a@example.org", "5.1.1"),
      postfix(2, "b@comcast.net", "550 5.1.1 <b@comcast.net> unknown, forwarded from a@example.org", "5.1.1")];
    const each = alone(lines);
    assert.notEqual(each[0], each[1], "the second names its provider in its address");
    assert.deepEqual(readings(lines.join("\n")), each);
  });

  test("a time that cannot be ordered is shown only by a group with no other, read whole or in halves", () => {
    const exim = (time, address) => `${time} 1tBcDf-000201-AB ** ${address} R=dnslookup T=remote_smtp H=mx.example.org [192.0.2.10]: SMTP error from remote mail server after RCPT TO:<${address}>: 550 5.1.1 User unknown`;
    const text = [exim("2026-05-01 10:00:00", "a@example.org"), exim("2026-05-01 10:00:05", "b@example.org"),
      exim("2026-13-01 10:00:00", "c@example.org"), exim("2026-05-01 09:59:00", "d@example.org")].join("\n") + "\n";
    const [group] = triaged(text, 4096).table.groups;
    assert.deepEqual([group.count, group.first, group.last], [4, "2026-05-01 09:59:00", "2026-05-01 10:00:05"]);
    mergesExactly(text);
    const [only] = triaged(exim("2026-13-01 10:00:00", "c@example.org") + "\n", 4096).table.groups;
    assert.deepEqual([only.first, only.last], ["2026-13-01 10:00:00", "2026-13-01 10:00:00"]);
  });

  test("only a Postfix line's first status= counts", () => {
    const line = "Nov 29 10:00:01 mx postfix/smtp[1]: Q1ABCDEF: to=<a@example.org>, relay=none, status=queuedx, status=bounced (550 5.1.1 unknown)";
    const r = decode(`${line}\n${line.replace("status=queuedx, ", "")}\n`, index);
    assert.deepEqual([r.recipients.length, r.unreadable], [1, 1]);
  });
});

describe("codes are the line's own", () => {
  test("a stat=Sent line without a reply has no basic code, only its dsn=", () => {
    const line = "Nov 29 10:15:07 mail sm-mta[4327]: 2ATAF1xx012351: to=<ivan@example.org>, delay=00:00:01, mailer=local, pri=30351, dsn=2.0.0, stat=Sent\n"
      + "Nov 29 10:15:08 mail sm-mta[4328]: 2ATAF1xx012352: to=<judy@example.org>, delay=00:00:01, mailer=esmtp, pri=30351, dsn=5.1.1, stat=User unknown\n";
    const [sent, unknown] = decode(line, index).recipients;
    assert.deepEqual([sent.basic, sent.enhanced, sent.action], [null, "2.0.0", "delivered"]);
    assert.deepEqual([unknown.basic, unknown.enhanced, unknown.reason], [null, "5.1.1", "unknown-recipient"]);
  });

  test("a long line that repeats a record's first mark is read in linear time", () => {
    const CEILING_MS = 50; // generous: each takes about a millisecond, quadratic reading took hundreds
    for (const line of ["to=<a@example.org> status=".repeat(4000), "stat= " + "sm-mta[1]: Q: to=<a@example.org>, ".repeat(3000)]) {
      const start = performance.now();
      const r = decode(line, index);
      const ms = performance.now() - start;
      assert.ok(ms < CEILING_MS, `${Math.round(ms)} ms for ${JSON.stringify(line.slice(0, 30))}`);
      assert.equal(isLog(line, index), false);
      assert.notEqual(r.kind, "log");
    }
  });

  test("syslog times without a year fall in the twelve months before now", () => {
    const now = Date.UTC(2027, 0, 2);
    assert.equal(new Date(timeKey("Dec 31 23:59:59", now)).getUTCFullYear(), 2026);
    assert.equal(new Date(timeKey("Jan  1 00:00:01", now)).getUTCFullYear(), 2027);
    assert.ok(timeKey("Dec 31 23:59:59", now) < timeKey("Jan  1 00:00:01", now));
  });
});

describe("the table", () => {
  const text = readFileSync(fixtures.find((f) => f.family === "postfix").file, "utf8");
  const { groups } = groupRecipients(decode(text, index).recipients, index);
  const none = { domain: "", code: "", reason: "", action: "", verdict: "" };

  test("filters by domain (counting only that domain), code, reason, action and verdict", () => {
    const net = filterGroups(groups, { ...none, domain: "example.net" });
    assert.ok(net.length > 0 && net.every((g) => g.shownDomains.every(([d]) => d === "example.net")));
    const unknown = net.find((g) => g.reason === "unknown-recipient");
    assert.equal(unknown.count, 1); // of 3 in all, one at example.net
    assert.ok(filterGroups(groups, { ...none, code: "5.7.1" }).every((g) => g.enhanced === "5.7.1"));
    assert.deepEqual(filterGroups(groups, { ...none, reason: "greylisted" }).map((g) => g.reason), ["greylisted"]);
    assert.ok(filterGroups(groups, { ...none, action: "delayed" }).every((g) => g.action === "delayed"));
    assert.ok(filterGroups(groups, { ...none, verdict: "drop" }).every((g) => ["unknown-recipient", "unknown-domain"].includes(g.reason)));
  });

  test("sorts by any column, both ways", () => {
    const all = filterGroups(groups, none);
    const byCount = sortGroups(all, { key: "count", descending: true }).map((g) => g.count);
    assert.deepEqual(byCount, [...byCount].sort((a, b) => b - a));
    const byFirst = sortGroups(all, { key: "first", descending: false }).map((g) => g.firstKey);
    assert.deepEqual(byFirst, [...byFirst].sort((a, b) => a - b));
    const byCodes = sortGroups(all, { key: "codes", descending: false });
    assert.equal(byCodes[0].basic, null);
  });

  test("exports as CSV with a header, one row per group and absolute page links", () => {
    const csv = triageCsv(filterGroups(groups, none), index, "https://smtp.example.org/");
    const rows = csv.trim().split("\r\n");
    assert.equal(rows.length, groups.length + 1);
    assert.match(rows[0], /^verdict,action,basic,enhanced,reason,count,domains,first_seen,last_seen,example_reply,/);
    const unknown = rows.find((r) => r.includes("unknown-recipient"));
    assert.match(unknown, /^drop,failed,550,5\.1\.1,unknown-recipient,3,example\.org 2; example\.net 1,/);
    assert.match(unknown, /https:\/\/smtp\.example\.org\/550\//);
    assert.match(unknown, /https:\/\/smtp\.example\.org\/.*unknown-recipient\//);
  });
});
