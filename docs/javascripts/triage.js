// triage.js: a mail log's or an export's answer, as a triage table: its failures and deferrals
// grouped by codes and reason, each group with its count, the recipient domains, when it was first
// and last seen, one reply quoted, what to do (retry, fix, drop the address) and links to the code
// and guide pages. Sorted and filtered in place, exported as CSV; a dropped file's progress bar
// with its cancel button while the worker reads it.
//
// Safety: log text is data. The DOM is built with createElement and textContent only.

import { el } from "./cards.js";
import { describeBasic, describeEnhanced, pageUrl } from "./explain.js";
import { groupRecipients } from "./logs.js";

const VERDICTS = {
  drop: { label: "Drop the address", help: "The address does not exist, is disabled or suppressed: remove it from the list." },
  fix: { label: "Fix", help: "Something the sender or an admin must change before a new attempt can succeed." },
  retry: { label: "Retry", help: "Temporary: the sending server retries, or a later send should get through." },
};
const ACTIONS = { failed: "Failed", delayed: "Deferred" };
const DOMAINS_SHOWN = 3;
const EXAMPLE_CHARS = 160;
const PRIVACY = "Read in your browser: nothing of the log or the export leaves it.";
// Each column: its heading and how its rows sort (numbers sort largest first).
const COLUMNS = [
  { key: "verdict", label: "Verdict", sort: (g) => Object.keys(VERDICTS).indexOf(g.verdict) },
  { key: "action", label: "Action", sort: (g) => g.action },
  { key: "codes", label: "Codes", sort: (g) => codesOf(g) },
  { key: "reason", label: "Reason", sort: (g) => g.reason || "~" },
  { key: "count", label: "Count", sort: (g) => g.count, numeric: true },
  { key: "domains", label: "Recipient domains", sort: (g) => g.shownDomains.length, numeric: true },
  { key: "first", label: "First seen", sort: (g) => g.firstKey ?? Infinity, numeric: true },
  { key: "last", label: "Last seen", sort: (g) => g.lastKey ?? -Infinity, numeric: true },
];
const EXAMPLE_LABEL = "Example reply";

const codesOf = (g) => [g.basic, g.enhanced].filter(Boolean).join(" ");
const number = (n) => n.toLocaleString("en-US");
const plural = (n, one, many = `${one}s`) => `${number(n)} ${n === 1 ? one : many}`;

function reasonTitle(reason, index) {
  return reason ? (index.reasons && index.reasons[reason] ? index.reasons[reason].title : reason) : "No reason found";
}

/** A time as the log wrote it, but an ISO time without its fraction of a second and its "T". */
function shortTime(time) {
  return (time || "").replace(/^(\d{4}-\d\d-\d\d)[T ](\d\d:\d\d:\d\d)(?:\.\d+)?(?:Z|[+-]00:?00)?/, "$1 $2");
}

function codeUrl(code, index) {
  const info = /^\d{3}$/.test(code) ? describeBasic(code, index, []) : describeEnhanced(code, index, []);
  return info.url;
}

/** The groups that pass the filters, each with the domains that pass and its count among them. */
export function filterGroups(groups, filters) {
  const domain = filters.domain.trim().toLowerCase();
  const code = filters.code.trim();
  const out = [];
  for (const g of groups) {
    if (filters.action && g.action !== filters.action) continue;
    if (filters.verdict && g.verdict !== filters.verdict) continue;
    if (filters.reason && (g.reason || "") !== filters.reason) continue;
    if (code && !codesOf(g).includes(code)) continue;
    const shownDomains = Object.entries(g.domains).filter(([d]) => !domain || d.includes(domain)).sort((a, b) => b[1] - a[1]);
    if (!shownDomains.length) continue;
    out.push({ ...g, shownDomains, count: domain ? shownDomains.reduce((sum, [, n]) => sum + n, 0) : g.count });
  }
  return out;
}

export function sortGroups(groups, { key, descending }) {
  const column = COLUMNS.find((c) => c.key === key);
  const sign = descending ? -1 : 1;
  return [...groups].sort((a, b) => {
    const x = column.sort(a);
    const y = column.sort(b);
    return (x < y ? -1 : x > y ? 1 : 0) * sign || b.count - a.count;
  });
}

function csvCell(value) {
  const text = value === null || value === undefined ? "" : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The table as CSV: one row per group, the domains as "domain count" joined by "; ", page addresses absolute. */
export function triageCsv(groups, index, siteRoot) {
  const absolute = (url) => (url ? new URL(url, siteRoot).href : "");
  const head = ["verdict", "action", "basic", "enhanced", "reason", "count", "domains", "first_seen", "last_seen", "example_reply",
    "basic_page", "enhanced_page", "reason_page"];
  const rows = groups.map((g) => [
    g.verdict, g.action, g.basic, g.enhanced, g.reason, g.count,
    (g.shownDomains || Object.entries(g.domains)).map(([d, n]) => `${d} ${n}`).join("; "), g.first, g.last, g.example,
    absolute(g.basic && codeUrl(g.basic, index)), absolute(g.enhanced && codeUrl(g.enhanced, index)),
    absolute(g.reason && pageUrl(index, "guide", g.reason)),
  ]);
  return [head, ...rows].map((row) => row.map(csvCell).join(",")).join("\r\n") + "\r\n";
}

// ---------------------------------------------------------------------------------------------
// Drawing
// ---------------------------------------------------------------------------------------------

function link(url, text, siteRoot) {
  const a = el("a", null, text);
  a.href = new URL(url, siteRoot).href;
  return a;
}

function cell(column, g, index, siteRoot) {
  const td = el("td", `triage__${column.key}`);
  td.dataset.label = column.label; // the narrow layout shows each cell with its heading
  switch (column.key) {
    case "verdict": {
      const badge = el("span", `triage__badge triage__badge--${g.verdict}`, VERDICTS[g.verdict].label);
      badge.title = VERDICTS[g.verdict].help;
      td.append(badge);
      break;
    }
    case "action":
      td.textContent = ACTIONS[g.action] || g.action;
      break;
    case "codes":
      for (const code of [g.basic, g.enhanced].filter(Boolean)) {
        const url = codeUrl(code, index);
        td.append(url ? link(url, code, siteRoot) : el("code", null, code), " ");
      }
      if (!g.basic && !g.enhanced) td.textContent = "none";
      break;
    case "reason":
      if (g.reason && index.reasons && index.reasons[g.reason]) td.append(link(pageUrl(index, "guide", g.reason), reasonTitle(g.reason, index), siteRoot));
      else td.textContent = reasonTitle(g.reason, index);
      break;
    case "count":
      td.textContent = number(g.count);
      break;
    case "domains": {
      const shown = g.shownDomains.slice(0, DOMAINS_SHOWN).map(([d, n]) => `${d} (${number(n)})`);
      const more = g.shownDomains.length - DOMAINS_SHOWN;
      td.textContent = shown.join(", ") + (more > 0 ? `, and ${plural(more, "more domain")}` : "");
      break;
    }
    case "first":
    case "last":
      td.textContent = shortTime(g[column.key]);
      break;
  }
  return td;
}

/** The group's example reply, on a row of its own under the group's row. */
function exampleRow(g) {
  const row = el("tr", "triage__example");
  const td = el("td");
  td.colSpan = COLUMNS.length;
  td.dataset.label = EXAMPLE_LABEL;
  const text = g.example || "";
  const quote = el("q", "triage__reply", text.length > EXAMPLE_CHARS ? text.slice(0, EXAMPLE_CHARS - 1) + "…" : text || "(no reply text)");
  if (text.length > EXAMPLE_CHARS) quote.title = text;
  td.append(el("span", "triage__example-label", `${EXAMPLE_LABEL}: `), quote);
  row.append(td);
  return row;
}

let controlCount = 0;

/** A labelled control (the label names it alone, not the options of a select). */
function control(tag, label, name) {
  const wrap = el("div", "triage__filter");
  const input = el(tag);
  input.name = name;
  input.id = `triage-${name}-${++controlCount}`;
  const caption = el("label", null, label);
  caption.htmlFor = input.id;
  wrap.append(caption, input);
  return { wrap, input };
}

function select(label, name, options, onChange) {
  const { wrap, input } = control("select", label, name);
  for (const [value, text] of [["", "all"], ...options]) {
    const option = el("option", null, text);
    option.value = value;
    input.append(option);
  }
  input.addEventListener("change", () => onChange(input.value));
  return wrap;
}

function textFilter(label, name, placeholder, onChange) {
  const { wrap, input } = control("input", label, name);
  Object.assign(input, { type: "search", placeholder, spellcheck: false });
  input.addEventListener("input", () => onChange(input.value));
  return wrap;
}

function summary(table) {
  const failures = table.groups.reduce((sum, g) => sum + g.count, 0);
  const box = el("div", "triage__summary");
  box.append(
    el("p", "lookup__summary", failures
      ? `${plural(failures, "failure or deferral", "failures and deferrals")} in ${plural(table.groups.length, "group")}, of ${plural(table.records, "delivery record")}.`
      : `No failures or deferrals among ${plural(table.records, "delivery record")}.`),
    el("p", "triage__line triage__delivered", `Delivered: ${plural(table.delivered, "recipient")}.`),
    el("p", "triage__line triage__unreadable", `Unreadable: ${plural(table.unreadable, "line")} that ` +
      `${table.unreadable === 1 ? "looks like a delivery record" : "look like delivery records"} but could not be read.`),
    el("p", "triage__privacy", PRIVACY),
  );
  return box;
}

/** Draw a log's result (its triage table, or its recipients grouped here) into the region. */
export function renderTriage(region, result, index, siteRoot) {
  const table = result.triage
    || { ...groupRecipients(result.recipients, index), unreadable: result.unreadable, records: result.recipients.length };
  const filters = { domain: "", code: "", reason: "", action: "", verdict: "" };
  const order = { key: "count", descending: true };
  const root = el("section", "triage");
  root.setAttribute("aria-label", "Triage of the log");
  const controls = el("div", "triage__controls");
  const reasons = [...new Set(table.groups.map((g) => g.reason || ""))].map((r) => [r, reasonTitle(r || null, index)]);
  // Narrow screens hide the column headings: their sort buttons are a list there.
  const sortBy = select("Sort by", "sort", COLUMNS.map((c) => [c.key, c.label]), (v) => {
    order.key = v || "count";
    order.descending = Boolean(COLUMNS.find((c) => c.key === order.key).numeric);
    draw();
  });
  sortBy.classList.add("triage__sortby");
  sortBy.querySelector("option").textContent = "count";
  const download = el("button", "triage__export md-button", "Export the table as CSV");
  download.type = "button";
  controls.append(
    textFilter("Domain", "domain", "example.org", (v) => { filters.domain = v; draw(); }),
    textFilter("Code", "code", "5.1.1", (v) => { filters.code = v; draw(); }),
    select("Reason", "reason", reasons, (v) => { filters.reason = v; draw(); }),
    select("Action", "action", Object.entries(ACTIONS), (v) => { filters.action = v; draw(); }),
    select("Verdict", "verdict", Object.entries(VERDICTS).map(([k, v]) => [k, v.label]), (v) => { filters.verdict = v; draw(); }),
    sortBy,
    download,
  );
  const scroller = el("div", "triage__scroll");
  const count = el("p", "triage__shown");
  count.setAttribute("aria-live", "polite");
  root.append(summary(table), controls, count, scroller);
  region.replaceChildren(root);

  let shown = [];
  download.addEventListener("click", () => {
    const url = URL.createObjectURL(new Blob([triageCsv(shown, index, siteRoot)], { type: "text/csv" }));
    const a = el("a");
    Object.assign(a, { href: url, download: "smtp-triage.csv" });
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  });

  function heading(column) {
    const th = el("th");
    th.scope = "col";
    const button = el("button", "triage__sort", column.label);
    button.type = "button";
    if (order.key === column.key) th.setAttribute("aria-sort", order.descending ? "descending" : "ascending");
    button.addEventListener("click", () => {
      order.descending = order.key === column.key ? !order.descending : Boolean(column.numeric);
      order.key = column.key;
      draw();
      scroller.querySelector(`th[aria-sort] button`).focus();
    });
    th.append(button);
    return th;
  }

  function draw() {
    shown = sortGroups(filterGroups(table.groups, filters), order);
    const grid = el("table", "triage__table");
    const head = el("tr");
    head.append(...COLUMNS.map(heading));
    grid.append(el("thead"), el("tbody"));
    grid.tHead.append(head);
    for (const g of shown) {
      const row = el("tr", "triage__group");
      row.append(...COLUMNS.map((c) => cell(c, g, index, siteRoot)));
      grid.tBodies[0].append(row, exampleRow(g));
    }
    count.textContent = shown.length === table.groups.length ? "" : `Showing ${plural(shown.length, "group")} of ${number(table.groups.length)}.`;
    download.disabled = shown.length === 0;
    scroller.replaceChildren(grid);
  }
  draw();
}

/** A progress bar with a cancel button for a file the worker reads; returns the function that moves it. */
export function showProgress(region, file, onCancel) {
  const box = el("div", "triage__progress");
  const label = el("label", null, `Reading ${file.name}`);
  const bar = el("progress");
  bar.id = `triage-progress-${++controlCount}`;
  label.htmlFor = bar.id;
  Object.assign(bar, { max: Math.max(file.size, 1), value: 0 });
  const cancel = el("button", "md-button", "Cancel");
  cancel.type = "button";
  cancel.addEventListener("click", () => {
    box.replaceChildren(el("p", "lookup__empty", `Stopped reading ${file.name}.`));
    onCancel();
  });
  const percent = el("span", "triage__percent", "0 %");
  box.append(label, bar, percent, cancel, el("p", "triage__privacy", PRIVACY));
  region.replaceChildren(box);
  return ({ read, total }) => {
    bar.max = Math.max(total, 1);
    bar.value = read;
    percent.textContent = `${Math.floor((100 * read) / Math.max(total, 1))} %`;
  };
}
