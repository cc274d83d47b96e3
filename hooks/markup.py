"""Markdown inline text turned into the plain text that front matter, CSV, title attributes and the
decoder's index need."""

from __future__ import annotations

import re

CODE_SPAN = re.compile(r"(`[^`]*`)")
EMPHASIS = re.compile(r"\*+|(?<!\w)_+|_+(?!\w)")
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z`(\"])")


def plain(markdown: str, keep_code: bool = False) -> str:
    """Links keep their words and emphasis goes; code spans keep every character inside them
    (`selector._domainkey`), and with keep_code also their backticks, for the decoder, which shows
    them as code."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", markdown)
    parts = [part if part.startswith("`") else EMPHASIS.sub("", part) for part in CODE_SPAN.split(text)]
    if not keep_code:
        parts = [part.strip("`") if part.startswith("`") else part for part in parts]
    return " ".join("".join(parts).split())


def first_sentence(markdown: str) -> str:
    """The verdict or key action a guidance field opens with (the content guide asks for one), as
    plain text that keeps its code spans."""
    return SENTENCE_END.split(plain(markdown, keep_code=True), maxsplit=1)[0]
