/**
 * reasons.js: why a delivery ended as it did: the reason guide a reply belongs to, and who sent it.
 *
 * Pure ES module. Everything it knows comes from the index (data/guides.yaml's phrases, the
 * providers' signs and tokens, the codes' default reasons); this file holds only the mechanism.
 *
 *   providerOf(text, index)  -> the provider whose signs the text carries, or null: the longest
 *                               matching sign wins, so "olc.protection.outlook.com" (Outlook.com)
 *                               beats "protection.outlook.com" (Microsoft 365)
 *   tokensIn(text, index)    -> the provider tokens the text carries ("TSS04", "S3150"), each once
 *   reasonOf(text, codes, index) -> { id, from } or null, read in this order: the words of the
 *                               reply in any language the data knows (from "text"), the provider's
 *                               tokens ("token"), then the codes ("code")
 */

const compiled = new WeakMap();

function escape(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** A phrase as written in the data: lower case, words separated by spaces, "*" for a short gap.
 * The gap is a group, so that a match's length can weigh it apart; a word after a gap starts a
 * word of the text ("mailbox * full" is not "mailbox ... successfully"). */
function phrasePattern(phrase) {
  const parts = phrase.trim().split(/\s*\*\s*/).map((part) => escape(part).replace(/\s+/g, "\\s+"));
  return parts.reduce((pattern, part) =>
    `${pattern}([^\\n]{0,40}?${/^[\p{L}\p{N}]/u.test(part) ? "(?<![\\p{L}\\p{N}])" : ""})${part}`);
}

// How much of a gap counts toward a match's length: a phrase with a gap ("relaying to * denied")
// says more than its words alone, but a long gap does not make it say more.
const GAP_WEIGHT = 12;

/** The source of one regular expression for a list of phrases (its caller builds it once). */
export function phrasesPattern(phrases) {
  // The longest phrases first: where several match at one place, the alternation takes the first.
  const ordered = [...phrases].sort((a, b) => b.length - a.length);
  return ordered.length ? ordered.map(phrasePattern).join("|") : "(?!)";
}

/** Lower case, white space collapsed: how phrases are matched. */
export function normalise(text) {
  return text.toLowerCase().replace(/\s+/g, " ");
}

/**
 * What the report's own words say of its recipients ("failed", "delayed", "delivered",
 * "relayed") from data/formats.yaml, or null: the longest phrase wins.
 */
export function reportAction(text, index) {
  return longestMatch(text, index.formats?.reports);
}

// ---------------------------------------------------------------------------------------------
// Finding phrases: a phrase starts a word of the text, so only phrases that begin with the text's
// next few characters are tried there. That keeps the search linear in the text, whatever the
// number of phrases (a long paste against 1,500 phrases of 31 guides).
// ---------------------------------------------------------------------------------------------

// Scripts written without spaces: a phrase may start at any of their characters.
const UNSPACED = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
const WORD_START = /(?<![\p{L}\p{N}])[\p{L}\p{N}]|[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/gu;
const HEAD = 3;  // characters of a phrase that select it at a place in the text

/** The phrases of {key: phrases} by the characters they begin with (one for the unspaced
 * scripts); a phrase that begins with a mark ("> - recipient unavailable") is tried wherever
 * that mark is. */
const phraseSets = new WeakMap();
function phraseSet(lists) {
  let set = phraseSets.get(lists);
  if (set) return set;
  set = { heads: new Map(), loose: [] };
  for (const [key, phrases] of Object.entries(lists)) {
    for (const phrase of phrases) {
      const normal = normalise(phrase).trim();
      if (!normal) continue;
      const entry = { key, first: normal[0], re: new RegExp(phrasePattern(normal), "yu") };
      const head = UNSPACED.test(normal[0]) ? normal[0] : normal.slice(0, HEAD);
      if (!/^[\p{L}\p{N}]/u.test(normal) || head.length < HEAD && !UNSPACED.test(normal[0])) {
        set.loose.push(entry);
        continue;
      }
      if (!set.heads.has(head)) set.heads.set(head, []);
      set.heads.get(head).push(entry);
    }
  }
  phraseSets.set(lists, set);
  return set;
}

/** The length of a match, its gaps weighed at most GAP_WEIGHT characters each. */
function matchLength(m) {
  let excess = 0;
  for (let i = 1; i < m.length; i++) if (m[i] !== undefined) excess += Math.max(0, m[i].length - GAP_WEIGHT);
  return m[0].length - excess;
}

/** The key of `lists` ({key: phrases}) one of whose phrases is the longest found in the text, or
 * null; a tie goes to the first key. */
export function longestMatch(text, lists) {
  if (!text || !lists) return null;
  const normal = normalise(text);
  const { heads, loose } = phraseSet(lists);
  const order = Object.keys(lists);
  let best = null;
  const consider = (entry, at) => {
    entry.re.lastIndex = at;
    const m = entry.re.exec(normal);
    if (!m) return;
    const length = matchLength(m);
    if (!best || length > best.length || (length === best.length && order.indexOf(entry.key) < order.indexOf(best.key))) {
      best = { key: entry.key, length };
    }
  };
  WORD_START.lastIndex = 0;
  let w;
  while ((w = WORD_START.exec(normal)) !== null) {
    const at = w.index;
    const tried = heads.get(UNSPACED.test(w[0]) ? w[0] : normal.slice(at, at + HEAD));
    if (tried) for (const entry of tried) consider(entry, at);
  }
  for (const entry of loose) {
    for (let at = normal.indexOf(entry.first); at !== -1; at = normal.indexOf(entry.first, at + 1)) consider(entry, at);
  }
  return best ? best.key : null;
}

/** What is built once per index: the expression of all tokens and the signs, longest first. */
function prepared(index) {
  let ready = compiled.get(index);
  if (ready) return ready;
  const tokens = Object.keys(index.vendor || {}).filter((code) => !/^[245]\.\d/.test(code));
  const tokenRe = tokens.length
    ? new RegExp("(?<![A-Za-z0-9_.:-])(?:" + tokens.sort((a, b) => b.length - a.length).map(escape).join("|") + ")(?![A-Za-z0-9_])", "g")
    : null;
  const signs = [];
  for (const [id, provider] of Object.entries(index.providers || {})) {
    for (const sign of provider.signs || []) signs.push({ id, sign: sign.toLowerCase() });
  }
  signs.sort((a, b) => b.sign.length - a.sign.length);
  ready = { tokenRe, signs };
  compiled.set(index, ready);
  return ready;
}

/** The provider whose sign is the longest one found in the text, or null. */
export function providerOf(text, index) {
  if (!text) return null;
  const haystack = text.toLowerCase();
  for (const { id, sign } of prepared(index).signs) {
    if (haystack.includes(sign)) return id;
  }
  return null;
}

/** Whether a token stands on its own: digits or punctuation in it ("TSS04", "DT:SPM"), not a bare
 * word ("BL", "gcdp"), which counts only in a text that carries its provider's signs. */
function distinctive(token) {
  return token.length >= 4 && /[\d:._()-]/.test(token);
}

/** The provider tokens the text carries, each with its uses: [{ code, uses }]. */
export function tokensIn(text, index) {
  const { tokenRe } = prepared(index);
  if (!tokenRe || !text) return [];
  const found = new Map();
  tokenRe.lastIndex = 0;
  let m;
  const haystack = text.toLowerCase();
  while ((m = tokenRe.exec(text)) !== null) {
    if (found.has(m[0])) continue;
    const uses = (index.vendor[m[0]] || []).filter((use) =>
      distinctive(m[0]) || (index.providers[use.provider]?.signs || []).some((sign) => haystack.includes(sign.toLowerCase())));
    if (uses.length) found.set(m[0], uses);
  }
  return [...found].map(([code, uses]) => ({ code, uses }));
}

/**
 * The reason for a reply: from its words first (the provider's own reading of them, where the
 * text shows the provider and it has one), then from the tokens of the provider that sent it
 * (`provider`, when known), then from its codes: a vendor code's reason where the vendor's meaning
 * applies, else the registry entry's default reason.
 */
export function reasonOf(text, { enhanced = null, provider = null } = {}, index) {
  // The provider's own reading of its words (its reason_phrases) comes before everyone's.
  const own = text && provider ? longestMatch(text, index.providers?.[provider]?.phrases) : null;
  if (own) return { id: own, from: "text" };
  const words = text ? longestMatch(text, index.phrases) : null;
  if (words) return { id: words, from: "text" };
  for (const { uses } of tokensIn(text, index)) {
    const use = uses.find((u) => u.provider === provider) || uses[0];
    if (use.reason) return { id: use.reason, from: "token" };
  }
  if (enhanced) {
    const vendor = (index.vendor?.[enhanced] || []).find((u) => u.provider === provider);
    if (vendor?.reason) return { id: vendor.reason, from: "code" };
    const reason = index.enhanced?.[enhanced.slice(2)]?.reason;
    if (reason) return { id: reason, from: "code" };
  }
  return null;
}
