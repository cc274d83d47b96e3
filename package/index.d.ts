// Types of smtp-codes. The decoder's result types (types.d.ts) are made by scripts/package from the
// JSDoc of decoder/decode.js, and the API records' from schema/api.schema.json, the site's own
// descriptions of them.

import type { ApiCode, ApiProviderCode, DecodeResult, Recipient } from "./types.js";

export type { ApiCode, ApiProviderCode, DecodeResult, Note, Provider, Reason, Recipient } from "./types.js";

/** The package's version: the release number of the data it carries (also on the site's /api/ page). */
export const version: string;
/** The site the data comes from; the URLs of decode() results are relative to it. */
export const siteUrl: string;
/** The site's lookup index (lookup-index.json), which decode() reads. */
export const index: Record<string, any>;

/** What a reply code, an SMTP reply or transcript, a whole message (string, or its bytes in any
 * charset) or a mail log says: the site's decoder with the bundled index. */
export function decode(input: string | Uint8Array): DecodeResult;

export type BasicRecord = Extract<ApiCode, { kind: "basic" }>;
export type EnhancedRecord = Extract<ApiCode, { kind: "enhanced" }>;
/** A provider's own code ("5.7.708", "TSS04"): each provider's entry for it in /providers.json. */
export interface VendorRecord {
  kind: "vendor";
  code: string;
  uses: Array<ApiProviderCode & { provider: string; vendor: string }>;
}

/** The record of a basic ("550") or enhanced code ("5.1.1", "X.1.1" as the class its page is in)
 * as the site's JSON API publishes it (/550.json), or a provider's own code; null for a code the
 * data does not know. */
export function explain(code: string): BasicRecord | EnhancedRecord | VendorRecord | null;

export interface LinkifyOptions {
  /** The http(s) URL the links are made from; default: siteUrl. */
  base?: string;
}

/** A code found in a text; start and end (exclusive) are offsets in the text. */
export interface FoundCode {
  code: string;
  kind: "basic" | "enhanced" | "token";
  start: number;
  end: number;
  /** The absolute URL of the page that explains it. */
  url: string;
  /** Its title, plain text. */
  title: string | null;
}

/** Every code of the text that has a page, and every provider token the data knows, in text order. */
export function findCodes(text: string, options?: LinkifyOptions): FoundCode[];

/** HTML: the whole text escaped (& < > " '), with each code findCodes() finds wrapped in
 * `<a href="..." title="...">`. The input is never taken as HTML; the output is safe to insert. */
export function linkify(text: string, options?: LinkifyOptions): string;

/** One group of the log triage: failures or deferrals with the same codes and reason. */
export interface TriageGroup {
  action: Recipient["action"];
  basic: string | null;
  enhanced: string | null;
  reason: string | null;
  /** What to do: retry later, drop the address, or fix something (sender or admin). */
  verdict: "retry" | "drop" | "fix";
  count: number;
  /** Recipient domain -> how many of the group's records. */
  domains: Record<string, number>;
  /** The first and last time seen, as the log wrote them. */
  first: string | null;
  last: string | null;
  /** `first` and `last` as milliseconds since 1970, for sorting (null when unreadable). */
  firstKey: number | null;
  lastKey: number | null;
  /** One reply of the group, quoted. */
  example: string | null;
}

export interface Triage {
  kind: DecodeResult["kind"];
  /** Delivery records read (recipients, for a message). */
  records: number;
  /** Lines that look like delivery records but could not be read. */
  unreadable: number;
  delivered: number;
  /** Largest first. */
  groups: TriageGroup[];
}

/** A log's (or any text's) failures and deferrals, grouped by action, codes and reason. */
export function triage(input: string | Uint8Array): Triage;
/** The triage of a result decode() gave. */
export function triageOf(result: DecodeResult): Triage;
