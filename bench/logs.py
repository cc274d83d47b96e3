"""Benchmark, log part (h): triage of a 100 MB generated Postfix log dropped on the decoder page in
Chromium, through the worker, against the floor of any scanner: one pass of a single regular
expression (each record's recipient and status) over the same text, in the same run and browser
(the median of FLOOR_PASSES passes, as one pass varies by half from run to run here); the medians
of -n drops, each on a fresh browser. The file is dropped once the page has settled (its fetches
done, its workers started), as a person would drop it.
"""

from __future__ import annotations

from pathlib import Path
from statistics import median

from log_generator import generate
from process_memory import PeakRss
from results import Row, say
from site_host import CHROMIUM, CHROMIUM_ARGS, serve

LOG_MB = 100
TARGET_MB_S = 50
TARGET_FLOOR_RATIO = 10
TARGET_LONG_TASK_MS = 100
TARGET_MEMORY_RATIO = 3
# The floor: what any scanner must do at least, find each record's recipient and status.
FLOOR = r"to=<([^>]*)>[^\n]*?status=(\w+)"
FLOOR_PASSES = 5

# The page: when the file is chosen and when its table is drawn, and the longest task in between.
WATCH = """() => {
    window.__bench = {longest: 0};
    new PerformanceObserver((list) => {
        for (const e of list.getEntries()) window.__bench.longest = Math.max(window.__bench.longest, e.duration);
    }).observe({type: "longtask"});
    document.querySelector("input.lookup__file").addEventListener("change", () => { window.__bench.start = performance.now(); }, true);
    document.addEventListener("lookup:result", () => { window.__bench.end = performance.now(); });
}"""
# The floor, in a worker of its own: read the file as text, then time passes of the expression.
FLOOR_PASS = """async ([source, passes]) => {
    const file = document.querySelector("input.lookup__file").files[0];
    const code = `self.onmessage = async ({data}) => {
        const text = await data.file.text();
        const times = [];
        let n = 0;
        for (let pass = 0; pass < data.passes; pass++) {
            const re = new RegExp(data.source, "g");
            const start = performance.now();
            n = 0;
            while (re.exec(text) !== null) n++;
            times.push(performance.now() - start);
        }
        times.sort((a, b) => a - b);
        self.postMessage({ms: times[times.length >> 1], matches: n, chars: text.length});
    };`;
    const worker = new Worker(URL.createObjectURL(new Blob([code], {type: "text/javascript"})));
    const answer = await new Promise((resolve) => { worker.onmessage = (e) => resolve(e.data); worker.postMessage({file, source, passes}); });
    worker.terminate();
    return answer;
}"""
TABLE = """() => [...document.querySelectorAll('.triage__table tbody tr.triage__group')]
    .map((tr) => Number(tr.querySelector('.triage__count').textContent.replace(/,/g, '')))"""


def measure(site: Path, path: Path, expected: dict) -> dict:
    """One drop of the log on a fresh browser's decoder page, and the floor in the same run."""
    from playwright.sync_api import sync_playwright

    with serve(site) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.goto(f"{base}/lookup/")
        page.wait_for_load_state("networkidle")
        page.evaluate(WATCH)
        with PeakRss() as memory:
            page.locator("input.lookup__file").set_input_files(str(path))
            page.wait_for_selector(".triage__table", timeout=600_000)
        figures = page.evaluate("window.__bench")
        counts = sorted(page.evaluate(TABLE))
        floor = page.evaluate(FLOOR_PASS, [FLOOR, FLOOR_PASSES])
        browser.close()
    seconds = (figures["end"] - figures["start"]) / 1000
    return {"seconds": seconds, "longest": figures["longest"], "floor_ms": floor["ms"], "memory": memory.growth,
            "right": counts == sorted(g["count"] for g in expected["groups"])}


def log_triage(site: Path, scratch: Path, runs: int) -> tuple[list[Row], list[str]]:
    """The medians of `runs` drops (each against its own run's floor), the worst task and memory."""
    say(f"h. triage of a {LOG_MB} MB Postfix log in Chromium, {runs} drops")
    text, expected = generate(LOG_MB * 1024 * 1024)
    path = scratch / "postfix-100mb.log"
    path.write_text(text)
    del text
    size = path.stat().st_size
    mb = size / 2**20
    drops = [measure(site, path, expected) for _ in range(runs)]
    seconds = median(m["seconds"] for m in drops)
    speed = mb / seconds
    floor_ms = median(m["floor_ms"] for m in drops)
    ratio = median(m["seconds"] * 1000 / m["floor_ms"] for m in drops)
    longest = max(m["longest"] for m in drops)
    memory = max(m["memory"] for m in drops)
    rows = [
        Row(f"h. log triage, {LOG_MB} MB Postfix log, dropped (median of {runs})", f"{speed:.1f} MB/s ({seconds:.2f} s)",
            f">= {TARGET_MB_S} MB/s", speed >= TARGET_MB_S),
        Row(f"h. triage time / one regex pass (floor; median of {runs})",
            f"{ratio:.1f}x (floor {mb / (floor_ms / 1000):.0f} MB/s, {floor_ms:.0f} ms)", f"<= {TARGET_FLOOR_RATIO}x", ratio <= TARGET_FLOOR_RATIO),
        Row("h. longest main-thread task during the triage (worst)", f"{longest:.0f} ms", f"< {TARGET_LONG_TASK_MS} ms",
            longest < TARGET_LONG_TASK_MS),
        Row("h. renderer memory growth / file size (worst)", f"{memory / size:.2f}x ({memory / 2**20:.0f} MB)",
            f"< {TARGET_MEMORY_RATIO}x", memory < TARGET_MEMORY_RATIO * size),
    ]
    notes = [] if all(m["right"] for m in drops) else ["h: the triage table's counts differ from the generated log's"]
    return rows, notes
