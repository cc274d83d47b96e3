"""Field specs: each record of the data says once which fields it has, and that one spec drives
the checks, the record class and the JSON Schema.

A `Spec` is an ordered list of `Field`s; a `Field` names a YAML key and its `Kind`. A kind knows how
a value is written (`accepts`), what it becomes in Python (`convert`), what it is when the key is
absent (`empty`) and how JSON Schema describes it (`schema`). A `Record` subclass that sets `SPEC`
becomes a frozen dataclass with one attribute per field, plus `line`:

    class Subject(Record):
        SPEC = Spec("enhanced subject", [Field("subject", Integer(0, 999), attr="number"), ...])

Adding a field to a record is one line in its spec (and, if pages show it, one in a template).
"""

from __future__ import annotations

import dataclasses
import datetime
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, ClassVar, Iterator

from data_yaml import DataError, Node, items

PLACEHOLDER = re.compile(r"\b(TODO|TBD|FIXME|XXX+)\b|lorem ipsum|^\W*$", re.IGNORECASE)


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


@dataclass
class Context:
    """Where a value is being read: for error messages, and for kinds that build nested records."""

    path: Path
    line: int | None
    code: str | None  # the entry's key ("550", "gmail"), named in messages

    def fail(self, message: str) -> DataError:
        return DataError(self.path, self.line, message, self.code)


# ---------------------------------------------------------------------------------------------------
# Kinds
# ---------------------------------------------------------------------------------------------------


class Kind:
    name = "value"     # in messages: "field 'x' must be a <name>"
    empty: Any = None  # the value of an optional field that is absent

    def accepts(self, value: Any) -> bool:
        raise NotImplementedError

    def convert(self, key: str, value: Any, context: Context) -> Any:
        return value

    def schema(self, defs: dict) -> dict:
        raise NotImplementedError


class Text(Kind):
    """A non-empty string; with a pattern, the whole string must match it (`why` says the rule)."""

    name = "text"

    def __init__(self, pattern: re.Pattern | None = None, why: str | None = None):
        self.pattern, self.why = pattern, why

    def accepts(self, value: Any) -> bool:
        return isinstance(value, str)

    def convert(self, key: str, value: str, context: Context) -> str:
        if PLACEHOLDER.search(value):
            raise context.fail(f"field '{key}' is empty or a placeholder: {value!r}")
        if self.pattern and not self.pattern.fullmatch(value):
            why = self.why or "field '{key}' must match {pattern}, not {value!r}"
            raise context.fail(why.format(key=key, pattern=self.pattern.pattern, value=value))
        return value

    def schema(self, defs: dict) -> dict:
        schema = {"type": "string", "minLength": 1}
        if self.pattern:
            schema["pattern"] = f"^(?:{self.pattern.pattern})$"
        return schema


class Texts(Kind):
    """A list of non-empty strings, each checked as `item` checks it."""

    name = "list of texts"
    empty = ()

    def __init__(self, item: Text | None = None):
        self.item = item or Text()

    def accepts(self, value: Any) -> bool:
        return isinstance(value, list) and all(isinstance(item, str) for item in value)

    def convert(self, key: str, value: list, context: Context) -> tuple:
        for item in value:
            if PLACEHOLDER.search(item):
                raise context.fail(f"field '{key}' has an empty or placeholder item: {item!r}")
        return tuple(self.item.convert(key, item, context) for item in value)

    def schema(self, defs: dict) -> dict:
        return {"type": "array", "items": self.item.schema(defs)}


class TextGroups(Kind):
    """A list of lists of texts: groups of words that mean the same."""

    name = "list of lists of texts"
    empty = ()

    def accepts(self, value: Any) -> bool:
        return isinstance(value, list) and all(Texts().accepts(group) for group in value)

    def convert(self, key: str, value: list, context: Context) -> tuple:
        return tuple(Texts().convert(key, group, context) for group in value)

    def schema(self, defs: dict) -> dict:
        return {"type": "array", "items": Texts().schema(defs)}


class Integer(Kind):
    name = "integer"

    def accepts(self, value: Any) -> bool:
        return type(value) is int

    def schema(self, defs: dict) -> dict:
        return {"type": "integer"}


class Integers(Kind):
    name = "list of integers"
    empty = ()

    def accepts(self, value: Any) -> bool:
        return isinstance(value, list) and all(type(item) is int for item in value)

    def convert(self, key: str, value: list, context: Context) -> tuple:
        return tuple(value)

    def schema(self, defs: dict) -> dict:
        return {"type": "array", "items": {"type": "integer"}}


class Flag(Kind):
    name = "true or false"
    empty = False

    def accepts(self, value: Any) -> bool:
        return isinstance(value, bool)

    def schema(self, defs: dict) -> dict:
        return {"type": "boolean"}


class Date(Kind):
    """A calendar date, written 2026-12-01 (YAML reads it as a date); kept as its ISO text."""

    name = "date (YYYY-MM-DD)"

    def accepts(self, value: Any) -> bool:
        return isinstance(value, datetime.date)

    def convert(self, key: str, value: datetime.date, context: Context) -> str:
        return value.isoformat()

    def schema(self, defs: dict) -> dict:
        return {"type": "string", "format": "date"}


class TextLists(Kind):
    """A mapping from a fixed set of keys (languages, taxonomies) to lists of texts; without keys,
    from any key (guide ids, which the cross-checks validate) in the order written."""

    name = "mapping of lists of texts"
    empty: dict = {}

    def __init__(self, *keys: str):
        self.keys = keys

    def accepts(self, value: Any) -> bool:
        return isinstance(value, Node) and all(isinstance(v, list) and all(isinstance(i, str) for i in v)
                                               for v in value.values())

    def convert(self, key: str, value: Node, context: Context) -> dict[str, tuple[str, ...]]:
        if not self.keys:
            return {str(k): Texts().convert(key, v, context) for k, v in value.items()}
        unknown = [k for k in value if k not in self.keys]
        if unknown:
            raise context.fail(f"field '{key}' has the key {unknown[0]!r}; the keys are {', '.join(self.keys)}")
        return {k: Texts().convert(key, value[k], context) for k in self.keys if k in value}

    def schema(self, defs: dict) -> dict:
        texts = Texts().schema(defs)
        if not self.keys:
            return {"type": "object", "additionalProperties": texts}
        return {"type": "object", "additionalProperties": False, "properties": {k: texts for k in self.keys}}


class Choice(Text):
    """One of a fixed set of words."""

    def __init__(self, *choices: str):
        super().__init__()
        self.choices = choices

    def convert(self, key: str, value: str, context: Context) -> str:
        if value not in self.choices:
            raise context.fail(f"{key} must be one of {', '.join(self.choices)}, not {value!r}")
        return value

    def schema(self, defs: dict) -> dict:
        return {"enum": list(self.choices)}


class Choices(Texts):
    """A list of words, each one of a fixed set."""

    def __init__(self, *choices: str):
        super().__init__()
        self.choices = choices

    def convert(self, key: str, value: list, context: Context) -> tuple[str, ...]:
        wrong = [item for item in value if item not in self.choices]
        if wrong:
            raise context.fail(f"{key} may hold {', '.join(self.choices)}, not {wrong[0]!r}")
        return tuple(value)

    def schema(self, defs: dict) -> dict:
        return {"type": "array", "items": {"enum": list(self.choices)}}


class Records(Kind):
    """A list of mappings, each read as a record of `record` (a Record subclass). `what` names one
    item in messages; `{code}` in it is replaced by the enclosing entry's code."""

    name = "list"
    empty = ()

    def __init__(self, record: type[Record], what: str | None = None):
        self.record, self.what = record, what

    def accepts(self, value: Any) -> bool:
        return isinstance(value, list)

    def convert(self, key: str, value: list, context: Context) -> tuple:
        what = (self.what or self.record.SPEC.what).format(code=context.code)
        return tuple(self.record.SPEC.read(self.record, context.path, node, line, what, context.code)
                     for node, line in items(value))

    def schema(self, defs: dict) -> dict:
        return {"type": "array", "items": {"$ref": f"#/$defs/{self.record.SPEC.define(self.record, defs)}"}}


class Group(Kind):
    """A mapping of fields, read as one record of `record`."""

    name = "mapping"

    def __init__(self, record: type[Record]):
        self.record = record

    def accepts(self, value: Any) -> bool:
        return isinstance(value, Node)

    def convert(self, key: str, value: Node, context: Context) -> Any:
        return self.record.SPEC.read(self.record, context.path, value, value.line, key, context.code)

    def schema(self, defs: dict) -> dict:
        return {"$ref": f"#/$defs/{self.record.SPEC.define(self.record, defs)}"}


class Inline(Kind):
    """The fields of `record` written at this level, among the entry's own keys, and collected into
    one record (a code's guidance: meaning, detail, causes, ... sit beside its code and source)."""

    def __init__(self, record: type[Record]):
        self.record = record


# ---------------------------------------------------------------------------------------------------
# Fields and specs
# ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    key: str                 # the YAML key
    kind: Kind
    required: bool = True
    attr: str | None = None  # the record attribute, when it cannot be the key ("class" -> number)

    def __post_init__(self):
        if not isinstance(self.kind, Kind):
            raise TypeError(f"field {self.key!r}: {self.kind!r} is not a Kind")

    @property
    def name(self) -> str:
        return self.attr or self.key


class Spec:
    """The fields of one kind of entry, in the order the YAML writes them. `key` names the entry in
    error messages: the field whose value does, or a function of the mapping."""

    def __init__(self, what: str, fields: list[Field], key: str | Callable[[Node], str | None] | None = None):
        self.what, self.fields, self.key = what, fields, key

    def keys(self) -> list[tuple[str, Field]]:
        """Every YAML key, inline groups spelled out, with the field it belongs to."""
        out = []
        for field in self.fields:
            if isinstance(field.kind, Inline):
                out += field.kind.record.SPEC.keys()
            else:
                out.append((field.key, field))
        return out

    def check(self, path: Path, node: Any, line: int | None, what: str, code: str | None) -> Context:
        """Refuse a node that is not a mapping of this spec's keys, all present, in order, each of its
        kind; the context returned locates the entry."""
        if not isinstance(node, Node):
            raise DataError(path, line, f"each {what} must be a mapping of fields, not {_short(node)}")
        if callable(self.key):
            code = self.key(node)
        elif self.key in node:
            code = str(node[self.key])
        context = Context(path, node.line, code)
        fields = dict(self.keys())
        unknown = [key for key in node if key not in fields]
        if unknown:
            raise context.fail(f"unknown field '{unknown[0]}' in {what}")
        missing = [key for key, field in fields.items() if field.required and key not in node]
        if missing:
            raise context.fail(f"missing field '{missing[0]}' in {what}")
        order = [key for key in fields if key in node]
        if list(node) != order:
            wrong = next(a for a, b in zip(node, order) if a != b)
            raise context.fail(f"field '{wrong}' is out of order; the order is: {', '.join(order)}")
        for key, value in node.items():
            kind = fields[key].kind
            if not kind.accepts(value):
                raise context.fail(f"field '{key}' must be a {kind.name}, not {type(value).__name__}: {_short(value)}")
        return context

    def values(self, node: Node, context: Context) -> dict[str, Any]:
        values = {}
        for field in self.fields:
            if isinstance(field.kind, Inline):
                values[field.name] = field.kind.record(**field.kind.record.SPEC.values(node, context),
                                                       line=node.line, file=context.path)
            elif field.key in node:
                values[field.name] = field.kind.convert(field.key, node[field.key], context)
            else:
                values[field.name] = field.kind.empty
        return values

    def read(self, record: type[Record], path: Path, node: Any, line: int | None, what: str | None = None,
             code: str | None = None) -> Record:
        """The record `node` describes, checked field by field."""
        context = self.check(path, node, line, what or self.what, code)
        return record(**self.values(node, context), line=node.line, file=path)

    def define(self, record: type[Record], defs: dict) -> str:
        """Add this spec's JSON Schema to defs (once) and return its name there."""
        name = record.__name__
        if name not in defs:
            defs[name] = {}  # reserve the name first: specs may refer to themselves
            defs[name] = {
                "type": "object",
                "additionalProperties": False,
                "required": [key for key, field in self.keys() if field.required],
                "properties": {key: field.kind.schema(defs) for key, field in self.keys()},
            }
        return name


class Record:
    """Base of the data's records: a subclass with a SPEC becomes a frozen dataclass of its fields."""

    SPEC: ClassVar[Spec]
    line: int   # where the entry starts in its file
    file: Path  # the data file it was read from

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "SPEC" in cls.__dict__:
            cls.__annotations__ = {**{field.name: Any for field in cls.SPEC.fields}, "line": int, "file": Path}
            cls.file = dataclasses.field(default=None, compare=False, repr=False)
            dataclasses.dataclass(frozen=True)(cls)

    def texts(self) -> Iterator[tuple[Record, str, str]]:
        """Every text this record and the records inside it hold: (record, YAML key, text)."""
        for field in self.SPEC.fields:
            value = getattr(self, field.name)
            if isinstance(field.kind, (Inline, Group)):
                yield from ((self, key, text) for _, key, text in value.texts())
            elif isinstance(field.kind, Records):
                for item in value:
                    yield from item.texts()
            elif isinstance(field.kind, Text) and isinstance(value, str):
                yield self, field.key, value
            elif isinstance(field.kind, Texts):
                yield from ((self, field.key, item) for item in value if isinstance(item, str))
