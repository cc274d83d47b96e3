// search-decode.js: a whole reply typed or pasted into the site search gets "Decode this reply" as
// its first result, which opens the decoder with the text.
//
// Loaded as an ES module on every page. Material draws the results itself (and again for every
// keystroke, and after instant navigation), so the entry is put back first whenever the list
// changes. The query is data: it goes into the link's address and text, never into HTML.

const DECODER = new URL("../lookup/", import.meta.url);
const CODE = /(?:^|[\s(\['"])(?:[2-5]\d\d|[245]\.\d{1,3}\.\d{1,3})(?=$|[\s:;,.\-\])'"])/;
const REPLY_MARK = /[<>@\[\]:;'"=]/;
const LONG_QUERY = 40;      // characters: longer than the codes-with-words people type
const MAX_QUERY = 2000;     // characters kept in the decoder's address

/** A reply line or a bounce, not a code or a few words: a code with reply marks, or a long text. */
export function looksLikeReply(query) {
  const text = query.trim();
  return CODE.test(text) && (text.length >= LONG_QUERY || REPLY_MARK.test(text) || text.includes("\n"));
}

function decodeEntry(query) {
  const item = document.createElement("li");
  item.className = "md-search-result__item smtp-search-decode";
  const link = document.createElement("a");
  const target = new URL(DECODER);
  target.searchParams.set("q", query.slice(0, MAX_QUERY));
  link.href = target.href;
  link.className = "md-search-result__link";
  const article = document.createElement("article");
  article.className = "md-search-result__article md-typeset";
  const title = document.createElement("h1");
  title.textContent = "Decode this reply";
  const text = document.createElement("p");
  text.textContent = query.length > 160 ? `${query.slice(0, 159)}…` : query;
  article.append(title, text);
  link.append(article);
  item.append(link);
  return item;
}

function place() {
  const input = document.querySelector("input.md-search__input");
  const list = document.querySelector(".md-search-result__list");
  if (!input || !list) return;
  const first = list.firstElementChild;
  const wanted = looksLikeReply(input.value) ? input.value.trim() : null;
  const shown = first && first.classList.contains("smtp-search-decode") ? first : null;
  if (shown && (!wanted || shown.dataset.query !== wanted)) shown.remove();
  if (wanted && !(shown && shown.dataset.query === wanted)) {
    const entry = decodeEntry(wanted);
    entry.dataset.query = wanted;
    list.prepend(entry);
  }
}

// Material replaces the list's items for each query: watch the list, and the page for a new list.
const observer = new MutationObserver(() => {
  observer.disconnect();
  place();
  watch();
});
function watch() {
  const list = document.querySelector(".md-search-result__list");
  if (list) observer.observe(list, { childList: true });
  observer.observe(document.body, { childList: true });
}
document.addEventListener("input", (event) => {
  if (event.target instanceof HTMLInputElement && event.target.matches(".md-search__input")) place();
});
watch();
