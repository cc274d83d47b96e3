/**
 * explain.js: what the index says about a code, or what its digits say when it has no entry.
 *
 * Pure ES module. URLs in what it returns are relative to the site root.
 *
 *   describeBasic(code, index, notes)               -> BasicInfo
 *   describeEnhanced(code, index, notes, provider)  -> EnhancedInfo: the meaning of `provider` (the
 *       provider whose signs the text carries) where it has one of its own for the code; a code the
 *       registry lacks takes the meaning of the one vendor that uses it; other vendors' uses of the
 *       code are only noted
 *   pageUrl(index, kind, key)                       -> the page of a code, provider or guide, from the
 *       index's address patterns (the site's one module of URLs, hooks/urls.py, writes them)
 */

export function pageUrl(index, kind, key) {
  const pattern = index.pages && index.pages[kind];
  return pattern ? pattern.replace("{key}", key) : null;
}

function digitInfo(table, digit) {
  const e = table && table[digit];
  return { digit, name: e ? e.name ?? null : null, meaning: e ? e.meaning ?? null : null };
}

export function describeBasic(code, index, notes) {
  const entry = (index.basic && index.basic[code]) || null;
  const first = digitInfo(index.first_digits, code[0]);
  const second = digitInfo(index.second_digits, code[1]);
  const firstEntry = (index.first_digits && index.first_digits[code[0]]) || null;
  const explanation =
    `${code[0]}xx: ${first.name ?? "undefined first digit"}${first.meaning ? ": " + first.meaning : "."} ` +
    (second.name
      ? `x${code[1]}x: ${second.name}${second.meaning ? ": " + second.meaning : "."}`
      : `x${code[1]}x: RFC 5321 defines second digits 0 to 5 only, so ${code[1]} carries no standard meaning.`);
  if (!entry) {
    notes.push({ kind: "unregistered", text: `${code} is not a registered SMTP reply code; it is explained from its first and second digits.` });
    if (!second.name) notes.push({ kind: "digit-range", text: `The second digit ${code[1]} is outside the range 0-5 that RFC 5321 defines; read the first digit only.` });
  }
  return {
    code,
    registered: Boolean(entry),
    severity: firstEntry ? firstEntry.severity ?? null : null,
    label: firstEntry ? firstEntry.label ?? null : null,
    text: entry ? entry.text ?? null : null,
    meaning: entry && entry.meaning ? entry.meaning : explanation,
    retry: entry ? entry.retry ?? null : null,
    action: entry ? entry.action ?? null : null,
    url: entry ? pageUrl(index, "code", code) : null,
    digits: { first, second },
    explanation,
  };
}

/** For a class the entry does not list, the page of the nearest listed class (4 <-> 5 first). */
function nearestClass(cls, classes) {
  const n = Number(cls);
  const sorted = classes.map(Number).sort((a, b) => Math.abs(a - n) - Math.abs(b - n) || b - a);
  return sorted.length > 0 ? String(sorted[0]) : null;
}

/** The section of a vendor's code on its provider's page. */
export function vendorUrl(code, use, index) {
  return index.providers && index.providers[use.provider] ? `${pageUrl(index, "provider", use.provider)}#${use.anchor ?? code}` : null;
}

/** The vendor use of a code that applies to this text: that of the provider the text comes from,
 * or, for a code outside the registry that one vendor uses, that vendor's. */
function applicableUse(uses, registered, provider) {
  return uses.find((u) => u.provider === provider) || (!registered && uses.length === 1 ? uses[0] : null);
}

export function describeEnhanced(code, index, notes, provider = null) {
  const [clsPart, subject, detail] = code.split(".");
  const cls = clsPart === "X" ? null : clsPart;
  const key = subject + "." + detail;
  const entry = (index.enhanced && index.enhanced[key]) || null;
  const uses = (cls && index.vendor && index.vendor[code]) || [];
  const use = applicableUse(uses, Boolean(entry), provider);
  const classEntry = (cls && index.classes && index.classes[cls]) || null;
  const classInfo = classEntry ? { name: classEntry.name, meaning: classEntry.meaning } : null;
  const subjectEntry = index.subjects && index.subjects[subject];
  const subjectInfo = subjectEntry ? { name: subjectEntry.name, meaning: subjectEntry.meaning } : null;
  const explanation = [
    cls ? `${cls}.x.x: ${classInfo ? classInfo.name + (classInfo.meaning ? ": " + classInfo.meaning : "") : "unknown class"}`
      : "X.x.x: the class is left open (2, 4 or 5).",
    subjectInfo ? `x.${subject}.x: ${subjectInfo.name}${subjectInfo.meaning ? ": " + subjectInfo.meaning : ""}`
      : `x.${subject}.x: RFC 3463 defines subjects 0 to 7 only, so ${subject} is a vendor's own.`,
  ].join(" ");

  const classes = entry && Array.isArray(entry.classes) ? entry.classes.map(String) : [];
  const urls = Object.fromEntries(classes.map((c) => [c, pageUrl(index, "code", `${c}.${key}`)]));
  let url = null;
  let classListed = null;
  if (entry) {
    if (cls) {
      classListed = classes.includes(cls);
      if (classListed) {
        url = urls[cls] ?? null;
      } else {
        const near = nearestClass(cls, classes);
        url = near ? urls[near] ?? null : null;
        if (!use) {
          notes.push({ kind: "class-not-listed", text: `The registry entry X.${key} is not normally used with class ${cls}` +
            (near ? `; the link goes to the ${near}.${key} page.` : ".") });
        }
      }
    } else {
      const last = classes.slice().sort().pop();
      url = last ? urls[last] ?? null : null;
      notes.push({ kind: "generic", text: `X.${key} is the class-less form: the same condition is reported as ` +
        (classes.length ? classes.map((c) => `${c}.${key}`).join(" or ") : `2.${key}, 4.${key} or 5.${key}`) + "." });
    }
  } else if (!use) {
    notes.push({ kind: "unregistered", text: `${code} is not in the IANA registry; it is explained from its class and subject.` });
  }
  let vendor = null;
  if (use) {
    const name = index.providers?.[use.provider]?.name ?? use.provider;
    vendor = { provider: use.provider, vendor: name, title: use.title, reason: use.reason ?? null, url: vendorUrl(code, use, index) };
    notes.push({ kind: "vendor", text: entry
      ? `The reply comes from ${name}, which uses ${code} with a meaning of its own; in the IANA registry it is "${entry.title}".`
      : `${code} is a ${name} code: ${use.title}.` });
  }
  for (const other of uses.filter((u) => u !== use)) {
    const name = index.providers?.[other.provider]?.name ?? other.provider;
    notes.push({ kind: "vendor-elsewhere", text: `${name} uses ${code} with a meaning of its own: ${other.title}.` });
  }
  return {
    code, class: cls, subject, detail, key,
    registered: Boolean(entry),
    registryTitle: entry ? entry.title ?? null : null,
    classListed,
    severity: classEntry ? classEntry.severity ?? null : null,
    label: classEntry ? classEntry.label ?? null : null,
    // Where a vendor's own meaning applies, it leads; the registry's stays in registryTitle.
    title: vendor ? vendor.title : entry ? entry.title ?? null : null,
    meaning: vendor ? null : entry && entry.meaning ? entry.meaning : explanation,
    retry: vendor ? null : entry ? entry.retry ?? null : null,
    action: vendor ? null : entry ? entry.action ?? null : null,
    url: vendor ? vendor.url : url,
    registryUrl: url,
    vendorUrl: vendor ? vendor.url : null,
    urls,
    classInfo, subjectInfo, explanation, vendor,
  };
}

/** A provider token ("TSS04") explained: the use of the provider it belongs to. */
export function describeToken(code, uses, index, provider = null) {
  const use = uses.find((u) => u.provider === provider) || uses[0];
  const name = index.providers?.[use.provider]?.name ?? use.provider;
  return { code, provider: use.provider, vendor: name, title: use.title, reason: use.reason ?? null, url: vendorUrl(code, use, index) };
}
