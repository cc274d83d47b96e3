// fold.js: a link to a part of a page that is folded (a <details> block) opens the fold, so that
// permalinks of replies and codes inside folded parts show their target.
//
// Loaded as an ES module on every page; Material's instant navigation swaps pages without
// reloading, so the check runs on every location change it reports, and on hash changes.

function openTarget() {
  const id = decodeURIComponent(location.hash.slice(1));
  const target = id && document.getElementById(id);
  if (!target) return;
  let folded = false;
  for (let node = target.closest("details"); node; node = node.parentElement.closest("details")) {
    if (!node.open) { node.open = true; folded = true; }
  }
  if (folded) target.scrollIntoView();
}

addEventListener("hashchange", openTarget);
if (typeof window.location$ === "object" && typeof window.location$.subscribe === "function") {
  window.location$.subscribe(() => setTimeout(openTarget));
} else {
  openTarget();
}
