"""Generated mail logs for the large-log tests and the benchmark: Postfix lines (and, mixed, Exim and
Sendmail ones) of a few failures, deferrals and deliveries, with a known share of lines that look
like delivery records but cannot be read. Each template says what the decoder must make of it, so a
generated log comes with its exact expected triage table. Deterministic (seeded).

    .venv/bin/python tests/log_generator.py OUT.log --mb 50 [--mixed] [--unreadable 0.05] [--gzip]
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
from collections import Counter
from pathlib import Path

DOMAINS = ["example.org", "example.net", "example.com", "mail.example.org", "shop.example.net", "lists.example.com"]
MONTHS = ["Nov", "Dec"]

# (format, line template, expected group or None for a delivery). {t} time, {a} address, {q} queue id.
POSTFIX = "{t} mx1 postfix/smtp[{pid}]: {q}: to=<{a}>, relay={relay}, delay=1.{n}, delays=0.1/0/0.5/0.6, dsn={dsn}, status={status} ({reply})"
TEMPLATES = [
    ("postfix", 40, dict(status="sent", dsn="2.0.0", relay="mx.example.org[192.0.2.10]:25", reply="250 2.0.0 Ok: queued as {q2}"), None),
    ("postfix", 12, dict(status="bounced", dsn="5.1.1", relay="mx.example.org[192.0.2.10]:25",
                         reply="host mx.example.org[192.0.2.10] said: 550 5.1.1 <{a}>: Recipient address rejected: User unknown in virtual mailbox table (in reply to RCPT TO command)"),
     ("failed", "550", "5.1.1", "unknown-recipient", "drop")),
    ("postfix", 8, dict(status="deferred", dsn="4.4.1", relay="none", reply="connect to mx.example.net[198.51.100.5]:25: Connection timed out"),
     ("delayed", None, "4.4.1", "network-failure", "retry")),
    ("postfix", 6, dict(status="deferred", dsn="4.7.1", relay="mx.example.org[192.0.2.10]:25",
                        reply="host mx.example.org[192.0.2.10] said: 450 4.7.1 <{a}>: Recipient address rejected: Greylisted, see http://postgrey.example.org/ (in reply to RCPT TO command)"),
     ("delayed", "450", "4.7.1", "greylisted", "retry")),
    ("postfix", 4, dict(status="bounced", dsn="5.2.2", relay="mx.example.com[203.0.113.7]:25",
                        reply="host mx.example.com[203.0.113.7] said: 552 5.2.2 <{a}>: Mailbox full (in reply to RCPT TO command)"),
     ("failed", "552", "5.2.2", "mailbox-full", "retry")),
    ("postfix", 3, dict(status="bounced", dsn="5.7.1", relay="mx.example.net[198.51.100.5]:25",
                        reply="host mx.example.net[198.51.100.5] said: 554 5.7.1 Service unavailable; Client host [203.0.113.1] blocked using zen.spamhaus.org (in reply to RCPT TO command)"),
     ("failed", "554", "5.7.1", "blocklisted", "fix")),
    ("postfix", 2, dict(status="bounced", dsn="5.4.4", relay="none",
                        reply="Host or domain name not found. Name service error for name={d} type=MX: Host not found"),
     ("failed", None, "5.4.4", "unknown-domain", "drop")),
]
MIXED = [
    ("exim", 5, "{ti} 1tBcDe-{e6}-AB ** {a} R=dnslookup T=remote_smtp H=mx.example.org [192.0.2.10]: SMTP error from remote mail server after RCPT TO:<{a}>: 550 5.2.1 This mailbox has been disabled",
     ("failed", "550", "5.2.1", "account-disabled", "drop")),
    ("exim", 5, "{ti} 1tBcDe-{e6}-CD => {a} R=dnslookup T=remote_smtp H=mx.example.org [192.0.2.10] C=\"250 2.0.0 OK\"", None),
    ("sendmail", 4, "{t} mx1 sm-mta[{pid}]: {q}: to=<{a}>, delay=00:00:01, xdelay=00:00:01, mailer=esmtp, pri=120345, relay=mx.example.com. [203.0.113.7], dsn=4.0.0, stat=Deferred: 421 4.3.2 System not accepting network messages",
     ("delayed", "421", "4.3.2", "system-error", "retry")),
]
# Lines that look like delivery records but cannot be read: the address or the record is mangled.
UNREADABLE = [
    "{t} mx1 postfix/smtp[{pid}]: {q}: to=<>, relay=none, delay=0, dsn=5.0.0, status=bounced (no address)",
    "{ti} 1tBcDe-{e6}-EF ** : no address here",
    "{t} mx1 sm-mta[{pid}]: {q}: stat=garbled",
]
NOISE = "{t} mx1 postfix/qmgr[{pid}]: {q}: from=<alice@example.com>, size=2345, nrcpt=1 (queue active)"


def generate(size: int, *, mixed: bool = False, unreadable: float = 0.0, seed: int = 25) -> tuple[str, dict]:
    """A log of about `size` characters (ASCII: as many bytes) and what its triage must say."""
    rng = random.Random(seed)
    templates = TEMPLATES + (MIXED if mixed else [])
    weights = [t[1] for t in templates]
    groups: Counter = Counter()
    domains: dict = {}
    delivered = bad = 0
    lines: list[str] = []
    total = n = 0
    while total < size:
        n += 1
        second = n // 20
        fill = {"t": f"{MONTHS[second // 2_592_000 % 2]} {1 + second // 86400 % 28:2d} {second // 3600 % 24:02d}:{second // 60 % 60:02d}:{second % 60:02d}",
                "ti": f"2026-11-{1 + second // 86400 % 28:02d} {second // 3600 % 24:02d}:{second // 60 % 60:02d}:{second % 60:02d}",
                "pid": 1000 + n % 9000, "q": f"{n:010X}", "q2": f"{n * 7:010X}", "e6": f"{n % 1_000_000:06d}", "n": n % 10,
                "d": rng.choice(DOMAINS)}
        fill["a"] = f"user{rng.randrange(5000)}@{fill['d']}"
        if unreadable and rng.random() < unreadable:
            line = rng.choice(UNREADABLE).format(**fill)
            bad += 1
        elif rng.random() < 0.1:
            line = NOISE.format(**fill)
        else:
            fmt, _, template, expected = rng.choices(templates, weights)[0]
            if fmt == "postfix":
                fields = {k: v.format(**fill) for k, v in template.items()}
                line = POSTFIX.format(**{**fill, **fields})
            else:
                line = template.format(**fill)
            if expected is None:
                delivered += 1
            else:
                groups[expected] += 1
                domains.setdefault(expected, Counter())[fill["d"]] += 1
        lines.append(line)
        total += len(line) + 1
    text = "\n".join(lines) + "\n"
    expected = {
        "delivered": delivered, "unreadable": bad,
        "groups": sorted(({"action": g[0], "basic": g[1], "enhanced": g[2], "reason": g[3], "verdict": g[4], "count": c,
                           "domains": dict(domains[g])} for g, c in groups.items()), key=lambda g: -g["count"]),
    }
    return text, expected


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--mb", type=float, default=50)
    parser.add_argument("--mixed", action="store_true")
    parser.add_argument("--unreadable", type=float, default=0.0)
    parser.add_argument("--gzip", action="store_true")
    args = parser.parse_args()
    text, expected = generate(int(args.mb * 1024 * 1024), mixed=args.mixed, unreadable=args.unreadable)
    data = text.encode()
    args.out.write_bytes(gzip.compress(data, 6) if args.gzip else data)
    print(json.dumps(expected, indent=1))


if __name__ == "__main__":
    main()
