/**
 * dsn.js: the fields of a delivery status notification (RFC 3464), and of the other reports mail
 * systems send: feedback reports (ARF, RFC 5965) and disposition notifications (MDN, RFC 8098).
 *
 * Pure ES module. A report is groups of "Field: value" lines separated by blank lines; folded lines
 * (starting with white space) continue the field above. The first group is about the message, each
 * later group about one recipient.
 *
 *   readFields(text) -> [{ name (lower case): value }]   the groups, in order
 *   readDeliveryStatus(text) -> { message, recipients } or null when the text has no recipient group:
 *     recipients: [{ address, originalAddress, action, status, remoteMta, diagnostic, diagnosticType,
 *                    lastAttempt }]
 */

const FIELD = /^([A-Za-z][A-Za-z0-9-]{0,60})[ \t]*:[ \t]*(.*)$/;

export function readFields(text) {
  const groups = [];
  let group = null;
  let last = null;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/\s+$/, "");
    if (line === "") {
      group = null;
      last = null;
      continue;
    }
    if (/^[ \t]/.test(raw) && group && last) {
      group[last] += " " + line.trim();
      continue;
    }
    const m = FIELD.exec(line);
    if (!m) {
      last = null;
      continue;
    }
    if (!group) {
      group = {};
      groups.push(group);
    }
    last = m[1].toLowerCase();
    group[last] = group[last] !== undefined ? `${group[last]} ${m[2]}` : m[2];
  }
  return groups;
}

/** "rfc822; bob@example.org" -> "bob@example.org"; "dns; mx.example.org" -> "mx.example.org". */
export function typedValue(value) {
  if (value === undefined || value === null) return null;
  const m = /^\s*([A-Za-z0-9-]+)\s*;\s*(.*)$/.exec(value);
  const text = (m ? m[2] : value).trim();
  return text === "" ? null : text;
}

/** An address field's address: "rfc822; <bob@example.org>" -> "bob@example.org". */
export function addressIn(value) {
  const text = typedValue(value);
  if (!text) return null;
  const inBrackets = /<([^<>\s]+@[^<>\s]+)>/.exec(text);
  const plain = inBrackets ? inBrackets[1] : text.split(/\s/)[0];
  return plain.replace(/^["'<(]+|[>"')\].,;:]+$/g, "") || null;
}

// A recipient group's fields; a text without one is no DSN, and is not read field by field.
const RECIPIENT_FIELD = /^(?:final-recipient|original-recipient|action|status)[ \t]*:/im;

export function readDeliveryStatus(text) {
  if (!RECIPIENT_FIELD.test(text)) return null;
  const groups = readFields(text);
  const recipients = groups
    .filter((g) => g["final-recipient"] !== undefined || g["original-recipient"] !== undefined || g.action !== undefined
      || (g.status !== undefined && g["diagnostic-code"] !== undefined))
    .map((g) => {
      const diagnosticType = g["diagnostic-code"] ? (/^\s*([A-Za-z0-9-]+)\s*;/.exec(g["diagnostic-code"]) || [])[1] || null : null;
      return {
        address: addressIn(g["final-recipient"]) ?? addressIn(g["original-recipient"]),
        originalAddress: addressIn(g["original-recipient"]),
        action: g.action ? g.action.trim().toLowerCase().split(/[\s(]/)[0] : null,
        status: g.status ? g.status.trim().split(/\s/)[0] : null,
        remoteMta: typedValue(g["remote-mta"]),
        diagnostic: typedValue(g["diagnostic-code"]),
        diagnosticType: diagnosticType ? diagnosticType.toLowerCase() : null,
        lastAttempt: g["last-attempt-date"] ? g["last-attempt-date"].trim() : null,
      };
    });
  if (recipients.length === 0) return null;
  const message = groups.find((g) => g["reporting-mta"] !== undefined) || {};
  return { message, recipients };
}
