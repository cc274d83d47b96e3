// cards.js: the decoder's answer drawn in the page: one answer per recipient (identical answers
// collapse into one, with the list of addresses), each leading with why it happened, the reply
// quoted, then the codes explained.
//
// Safety: pasted text is data. The DOM is built with createElement and textContent only; no HTML
// string is ever parsed.

import { explainRecipient } from "./decode.js";

const SEVERITY_LABELS = { positive: "Success", transient: "Temporary failure", permanent: "Permanent failure", intermediate: "Intermediate" };
const ACTION_LABELS = { failed: "Failed", delayed: "Delayed, still being retried", delivered: "Delivered", relayed: "Relayed", expanded: "Expanded" };
const COMMAND_LABELS = { CONNECT: "the connection greeting", "end of DATA": "the end of DATA (after the message was sent)" };
const FROM_LABELS = { text: "read from the words of the reply", token: "read from the provider's token in the reply", code: "read from the code" };
const KIND_SUMMARIES = {
  "auto-reply": "This is an automatic reply (out of office, vacation or autoresponder). The message was delivered; nothing bounced.",
  "feedback-report": "This is a feedback report: a recipient marked a message as spam or abuse. Nothing bounced, but the sender's reputation suffers.",
  delivered: "The message was delivered.",
};

// ---------------------------------------------------------------------------------------------
// DOM helpers (text only)
// ---------------------------------------------------------------------------------------------

export function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

/** Index values may use Markdown backticks for codes and commands (`RCPT TO`): those become <code>. */
function richText(tag, className, value) {
  const node = el(tag, className);
  String(value).split("`").forEach((part, i) => {
    if (part !== "") node.appendChild(i % 2 === 1 ? el("code", null, part) : document.createTextNode(part));
  });
  return node;
}

function pageLink(url, label, siteRoot) {
  const a = el("a", "lookup-card__link", label);
  a.href = new URL(url, siteRoot).href;
  return a;
}

function badge(text, modifier) {
  return el("span", `lookup-badge lookup-badge--${modifier}`, text);
}

function severityBadge(info) {
  return el("span", `smtp-badge smtp-badge--${info.severity} lookup-badge`, info.label ?? SEVERITY_LABELS[info.severity] ?? info.severity);
}

function addRow(dl, term, value) {
  if (!value) return;
  dl.appendChild(el("dt", null, term));
  dl.appendChild(richText("dd", null, value));
}

// ---------------------------------------------------------------------------------------------
// The code cards
// ---------------------------------------------------------------------------------------------

function cardBody(kind, info, title, badges, extra, suffix) {
  const card = el("section", "lookup-card");
  card.setAttribute("aria-label", `${kind} ${info.code}${suffix}`);
  card.appendChild(el("p", "lookup-card__kind", kind));
  const head = el("p", "lookup-card__head");
  head.appendChild(el("code", "lookup-card__code", info.code));
  if (info.severity) head.appendChild(severityBadge(info));
  if (!info.registered && !info.vendor) head.appendChild(badge("Not registered", "unregistered"));
  head.append(...badges);
  card.appendChild(head);
  if (title) card.appendChild(richText("p", "lookup-card__title", title));
  if (info.meaning) card.appendChild(richText("p", "lookup-card__meaning", info.meaning));
  if (extra) card.appendChild(richText("p", "lookup-card__vendor", extra));
  const dl = el("dl", "lookup-card__facts");
  addRow(dl, "Will a retry help?", info.retry);
  addRow(dl, "What to do", info.action);
  if (dl.childNodes.length) card.appendChild(dl);
  return card;
}

function basicCard(info, siteRoot, suffix) {
  const card = cardBody("Basic reply code", info, info.text, [], null, suffix);
  if (info.url) card.appendChild(pageLink(info.url, `Read the ${info.code} page`, siteRoot));
  return card;
}

function enhancedCard(info, siteRoot, suffix) {
  const card = cardBody("Enhanced status code", info, info.title,
    info.vendor ? [badge(info.vendor.vendor, "vendor")] : [],
    info.vendor && info.registryTitle ? `Registered meaning of ${info.code}: ${info.registryTitle}.` : null, suffix);
  if (info.class === null && Object.keys(info.urls).length > 1) {
    const p = el("p", "lookup-card__links");
    Object.keys(info.urls).sort().forEach((cls, i) => {
      if (i > 0) p.appendChild(document.createTextNode(" · "));
      p.appendChild(pageLink(info.urls[cls], `${cls}.${info.key} page`, siteRoot));
    });
    card.appendChild(p);
  } else if (info.vendor && info.vendorUrl) {
    card.appendChild(pageLink(info.vendorUrl, vendorLinkText(info.vendor.vendor, info.code), siteRoot));
    if (info.registryUrl) card.appendChild(pageLink(info.registryUrl, `The registered ${info.code.replace(/^\d/, "X")}`, siteRoot));
  } else if (info.url) {
    const shown = info.classListed === false ? info.url.replace(/\/.*$/, "") : info.code;
    card.appendChild(pageLink(info.url, `Read the ${shown} page`, siteRoot));
  }
  return card;
}

function tokenCard(token, siteRoot) {
  const card = el("section", "lookup-card");
  card.setAttribute("aria-label", `Provider token ${token.code}`);
  card.appendChild(el("p", "lookup-card__kind", "Provider token"));
  const head = el("p", "lookup-card__head");
  head.append(el("code", "lookup-card__code", token.code), badge(token.vendor, "vendor"));
  card.appendChild(head);
  card.appendChild(richText("p", "lookup-card__title", token.title));
  if (token.url) card.appendChild(pageLink(token.url, vendorLinkText(token.vendor, token.code), siteRoot));
  return card;
}

// A vendor's own code is explained on its provider's page: the card gives its title and links there.
function vendorLinkText(vendor, code) {
  return `What ${vendor} says ${code} means and what to do`;
}

// ---------------------------------------------------------------------------------------------
// One answer: a recipient, or several with the same outcome
// ---------------------------------------------------------------------------------------------

/** Recipients with the same outcome, codes and reason are one answer. */
export function groupAnswers(recipients) {
  const groups = [];
  const byKey = new Map();
  for (const r of recipients) {
    const key = JSON.stringify([r.action, r.basic, r.enhanced, r.reason, r.outer, r.provider]);
    let group = byKey.get(key);
    if (!group) {
      group = { recipient: r, addresses: [] };
      byKey.set(key, group);
      groups.push(group);
    }
    if (r.address) group.addresses.push(r.address);
  }
  // Failures first, then delays, then the rest, each in the order of the report.
  const rank = { failed: 0, delayed: 1 };
  return groups.sort((a, b) => (rank[a.recipient.action] ?? 2) - (rank[b.recipient.action] ?? 2));
}

function answerHead(group, explained) {
  const r = group.recipient;
  const head = el("p", "lookup-answer__head");
  if (r.action) head.appendChild(badge(ACTION_LABELS[r.action] || r.action, r.action));
  const who = group.addresses.length ? group.addresses : [];
  if (who.length === 1) head.appendChild(el("span", "lookup-answer__address", who[0]));
  else if (who.length > 1) head.appendChild(el("span", "lookup-answer__address", `${who.length} recipients`));
  if (explained.provider) head.appendChild(badge(explained.provider.name, "vendor"));
  return head;
}

function answer(group, first, index, siteRoot) {
  const r = group.recipient;
  const explained = first.explained || explainRecipient(r, index, []);
  const card = el("section", "lookup-answer");
  const label = group.addresses.length ? `Answer for ${group.addresses.join(", ")}` : "Answer";
  card.setAttribute("aria-label", label);
  card.appendChild(answerHead(group, explained));
  if (group.addresses.length > 1) {
    const list = el("ul", "lookup-answer__addresses");
    for (const address of group.addresses) list.appendChild(el("li", null, address));
    card.appendChild(list);
  }
  if (explained.reason) {
    const why = el("p", "lookup-answer__why");
    why.appendChild(el("strong", null, "Why: "));
    const link = pageLink(explained.reason.url, explained.reason.title, siteRoot);
    link.className = "lookup-answer__guide";
    why.appendChild(link);
    if (FROM_LABELS[explained.reason.from]) why.appendChild(el("span", "lookup-answer__from", ` (${FROM_LABELS[explained.reason.from]})`));
    card.appendChild(why);
  }
  if (r.reply) {
    const quote = el("blockquote", "lookup-answer__reply");
    quote.appendChild(el("code", null, r.reply));
    card.appendChild(quote);
  }
  const context = [];
  if (r.remoteMta) context.push(`from ${r.remoteMta}`);
  if (r.command) context.push(`in reply to ${COMMAND_LABELS[r.command] || r.command}`);
  if (r.outer) context.push(`final verdict ${[r.outer.basic, r.outer.enhanced].filter(Boolean).join(" ")}`);
  if (context.length) card.appendChild(el("p", "lookup-answer__context", context.join("; ") + "."));
  const mismatch = explained.notes.find((n) => n.kind === "mismatch");
  if (mismatch) {
    const warning = el("p", "lookup__warning");
    warning.setAttribute("role", "note");
    warning.appendChild(el("strong", null, "Mismatch: "));
    warning.appendChild(document.createTextNode(mismatch.text));
    card.appendChild(warning);
  }
  // The most specific first: the provider's tokens, the enhanced code, then the basic code.
  const suffix = first.isFirst ? "" : ` (${group.addresses[0] || "another answer"})`;
  const cards = el("div", "lookup__cards");
  for (const token of explained.tokens) cards.appendChild(tokenCard(token, siteRoot));
  if (explained.enhancedInfo) cards.appendChild(enhancedCard(explained.enhancedInfo, siteRoot, suffix));
  if (explained.basicInfo) cards.appendChild(basicCard(explained.basicInfo, siteRoot, suffix));
  if (cards.childNodes.length) card.appendChild(cards);
  // Other vendors' uses of the code are on its page; the card keeps to what applies to this reply.
  const notes = explained.notes.filter((n) => n.kind !== "mismatch" && n.kind !== "vendor-elsewhere");
  if (notes.length) {
    const ul = el("ul", "lookup__notes");
    for (const note of notes) ul.appendChild(el("li", null, note.text));
    card.appendChild(ul);
  }
  return card;
}

// ---------------------------------------------------------------------------------------------
// The whole result
// ---------------------------------------------------------------------------------------------

function summary(result) {
  const p = el("p", "lookup__summary");
  if (result.kind === "reply" || !result.recipients.length) {
    p.appendChild(document.createTextNode("Found "));
    p.appendChild(el("code", null, [result.basic, result.enhanced].filter(Boolean).join(" ") || "no code"));
    if (result.command) {
      p.appendChild(document.createTextNode(" in reply to "));
      const label = COMMAND_LABELS[result.command];
      p.appendChild(label ? document.createTextNode(label) : el("code", null, result.command));
    }
    p.appendChild(document.createTextNode("."));
    return p;
  }
  const counts = {};
  for (const r of result.recipients) counts[r.action || "unknown"] = (counts[r.action || "unknown"] || 0) + 1;
  const words = { bounce: "A bounce", delay: "A delay warning", delivered: "A delivery report", "auto-reply": "An automatic reply",
    "feedback-report": "A feedback report" }[result.kind] || "A report";
  const parts = Object.entries(counts).map(([action, n]) => `${n} ${(ACTION_LABELS[action] || action).split(",")[0].toLowerCase()}`);
  p.textContent = `${words} about ${result.recipients.length} recipient${result.recipients.length === 1 ? "" : "s"}: ${parts.join(", ")}.`;
  return p;
}

/** Draw a decode() result into the region. */
export function render(region, result, index, siteRoot) {
  region.replaceChildren();
  if (!result.found) {
    for (const note of result.notes) region.appendChild(el("p", "lookup__empty", note.text));
    if (result.alsoFound.length) region.appendChild(el("p", "lookup__also", `Codes mentioned: ${result.alsoFound.join(", ")}`));
    return;
  }
  if (KIND_SUMMARIES[result.kind] && !result.recipients.some((r) => r.action === "failed" || r.action === "delayed")) {
    region.appendChild(el("p", "lookup__summary", KIND_SUMMARIES[result.kind]));
  } else {
    region.appendChild(summary(result));
  }
  const general = result.notes.filter((n) => ["not-a-failure", "log"].includes(n.kind));
  for (const note of general) if (!KIND_SUMMARIES[result.kind]) region.appendChild(el("p", "lookup__note", note.text));
  const groups = groupAnswers(result.recipients);
  const primaryKey = JSON.stringify([result.basic, result.enhanced]);
  groups.forEach((group, i) => {
    const isFirst = i === 0;
    const explained = isFirst && JSON.stringify([group.recipient.basic, group.recipient.enhanced]) === primaryKey
      ? { basicInfo: result.basicInfo, enhancedInfo: result.enhancedInfo, reason: result.reason, provider: result.provider,
        tokens: result.tokens, notes: result.notes.filter((n) => !["not-a-failure", "log"].includes(n.kind)) }
      : null;
    region.appendChild(answer(group, { isFirst, explained }, index, siteRoot));
  });
  if (result.kind === "reply" && result.alsoFound.length) {
    region.appendChild(el("p", "lookup__also", `Other codes in the text: ${result.alsoFound.join(", ")}`));
  }
}
