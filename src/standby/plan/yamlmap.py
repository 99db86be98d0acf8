"""YAML → plain data, remembering where each value sits, and replacing ${VAR} from the environment.

The data is built from libyaml's event stream rather than from PyYAML's composed nodes, for three
reasons: every value (and every mapping key) keeps its line and column for error messages; duplicate
keys — which PyYAML would silently let the last one win — are reported; and the limits of
`plan/limits.py` are checked as each event arrives, with no recursion, so no file can make the reader
expand an alias bomb, run out of stack or convert a 5,000-digit number. An alias reuses the value of
its anchor (it is not copied) and counts as that value's size towards the limit on expanded values; a
problem inside an aliased value is reported at the alias (its path is the alias's) as well as at the
anchor.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import yaml

from standby.plan import limits
from standby.plan.issues import Path, PlanIssue, dotted

try:  # libyaml reads a 4,000-asset plan ten times faster than the pure-Python parser
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]
_VAR = re.compile(r"\$(\$|\{([A-Za-z_][A-Za-z0-9_]*)\})")
_STR = "tag:yaml.org,2002:str"
_NUMBERS = frozenset({"tag:yaml.org,2002:int", "tag:yaml.org,2002:float"})
Mark = tuple[int, int]


class Positions:
    """Where each path's value (and key) starts in the file, 1-based."""

    def __init__(self) -> None:
        self.values: dict[Path, Mark] = {}
        self.keys: dict[Path, Mark] = {}
        self.substituted: set[Path] = set()  # values written as one ${VAR}, nothing else

    def at(self, path: Path, *, key: bool = False) -> Mark:
        """The position of `path`, or of its nearest ancestor that exists in the file."""
        for end in range(len(path), -1, -1):
            sub = path[:end]
            if key and end == len(path) and sub in self.keys:
                return self.keys[sub]
            if sub in self.values:
                return self.values[sub]
        return (0, 0)


class _Refused(Exception):
    """A limit was crossed: reading stops at `mark`."""

    def __init__(self, mark: Mark, message: str) -> None:
        self.mark, self.message = mark, message


@dataclass
class _Anchor:
    value: Any
    size: int  # values, with the aliases inside it expanded


_NO_KEY: Any = object()  # a mapping waiting for its next key
_BAD_KEY: Any = object()  # a key that is not a plain word: its value is read and dropped


@dataclass
class _Open:
    """A mapping or list being read."""

    value: dict[str, Any] | list[Any]
    path: Path
    mark: Mark
    anchor: str | None
    count_at_start: int
    key: Any = _NO_KEY


def _mark(event: yaml.Event) -> Mark:
    mark = event.start_mark
    return (mark.line + 1, mark.column + 1) if mark is not None else (0, 0)


class _Reader:
    def __init__(self, file: str, env: Mapping[str, str], loader: _Loader) -> None:
        self.file = file
        self.env = env
        self.loader = loader
        self.positions = Positions()
        self.issues: list[PlanIssue] = []
        self.stack: list[_Open] = []
        self.anchors: dict[str, _Anchor] = {}
        self.values = 0  # read so far, aliases expanded
        self.aliases = 0
        self.documents = 0
        self.document: Any = None

    def problem(self, mark: Mark, path: Path, message: str) -> None:
        self.issues.append(PlanIssue(self.file, *mark, dotted(path), message))

    def read(self) -> Any:
        handlers: dict[type[yaml.Event], Callable[[Any], None]] = {
            yaml.ScalarEvent: self.scalar,
            yaml.MappingStartEvent: self.open,
            yaml.SequenceStartEvent: self.open,
            yaml.MappingEndEvent: self.close,
            yaml.SequenceEndEvent: self.close,
            yaml.AliasEvent: self.alias,
            yaml.DocumentStartEvent: self.start_document,
        }
        while (event := self.loader.get_event()) is not None and not isinstance(event, yaml.StreamEndEvent):
            handler = handlers.get(type(event))
            if handler is not None:
                handler(event)
        return self.document

    # -- where the next value goes -------------------------------------------------------------

    def _where(self, event: yaml.Event) -> tuple[Mark, bool, Path]:
        """The event's position, whether it is a mapping key, and the path of the value it starts."""
        mark = _mark(event)
        if not self.stack:
            return mark, False, ()
        top = self.stack[-1]
        if isinstance(top.value, list):
            return mark, False, (*top.path, len(top.value))
        if top.key is _NO_KEY:
            return mark, True, top.path
        return mark, False, (*top.path, "?" if top.key is _BAD_KEY else top.key)

    def _count(self, size: int, mark: Mark) -> None:
        self.values += size
        if self.values > limits.MAX_VALUES:
            raise _Refused(mark, limits.EXPANDED if self.aliases else limits.VALUES)

    def _place(self, value: Any, mark: Mark) -> None:
        """Put a finished value where it belongs: the document, a list, or under a mapping's key."""
        if not self.stack:
            self.document = value
            return
        top = self.stack[-1]
        if isinstance(top.value, list):
            top.value.append(value)
        elif top.key is _NO_KEY:
            self._key(top, value, mark)
        else:
            if top.key is not _BAD_KEY:
                top.value[top.key] = value
            top.key = _NO_KEY

    def _key(self, top: _Open, key: Any, mark: Mark) -> None:
        if not isinstance(key, str | int | float | bool):
            self.problem(mark, top.path, "a key must be a plain word")
            top.key = _BAD_KEY
            return
        key = key if isinstance(key, str) else str(key)
        child = (*top.path, key)
        if key in top.value:
            self.problem(mark, child, f"{key!r} is given twice; keep one")
        self.positions.keys[child] = mark
        top.key = key

    # -- the events ----------------------------------------------------------------------------

    def start_document(self, event: yaml.Event) -> None:
        self.documents += 1
        if self.documents > 1:
            raise _Refused(_mark(event), "a plan is one YAML document; remove the second `---`")

    def scalar(self, event: yaml.ScalarEvent) -> None:
        mark, is_key, path = self._where(event)
        if len(event.value) > limits.MAX_SCALAR:
            raise _Refused(mark, limits.SCALAR)
        self._count(1, mark)
        value = self._construct(event, mark, path)
        if not is_key:
            self.positions.values[path] = mark
            if isinstance(value, str) and "$" in value:
                value = self.substitute(mark, path, value)
        if event.anchor is not None:
            self.anchors[event.anchor] = _Anchor(value, 1)
        self._place(value, mark)

    def _construct(self, event: yaml.ScalarEvent, mark: Mark, path: Path) -> Any:
        tag, value = event.tag, event.value
        if tag is None or tag == "!":
            # Only a plain scalar starting like a number, bool, null or date can be other than text.
            plain = event.implicit is not None and event.implicit[0]
            if not plain or value[:1] not in self.loader.yaml_implicit_resolvers:
                return value
            decimal = value.isascii() and value.isdecimal() and len(value) <= limits.MAX_DIGITS
            if decimal and (value[0] != "0" or value == "0"):  # YAML 1.1 reads 0755 as octal: below
                return int(value)
            tag = self.loader.resolve(yaml.ScalarNode, value, event.implicit)  # type: ignore[no-untyped-call]
        if tag == _STR:
            return value
        if tag in _NUMBERS and len(value) > limits.MAX_DIGITS:
            raise _Refused(mark, limits.DIGITS)
        node = yaml.ScalarNode(tag, value, style=event.style)
        try:
            return self.loader.construct_object(node, deep=True)
        except yaml.MarkedYAMLError as exc:
            self.problem(mark, path, f"cannot read this value: {exc.problem}")
        except (ValueError, TypeError, OverflowError, AttributeError) as exc:  # `!!int abc`, 2026-13-45
            self.problem(mark, path, f"cannot read this value: {exc}; quote it if it is text")
        finally:
            self.loader.constructed_objects.pop(node, None)
        return value

    def open(self, event: yaml.CollectionStartEvent) -> None:
        mark, is_key, path = self._where(event)
        if len(self.stack) >= limits.MAX_DEPTH:
            raise _Refused(mark, limits.DEPTH)
        self._count(1, mark)
        if not is_key:
            self.positions.values[path] = mark
        value: dict[str, Any] | list[Any] = {} if isinstance(event, yaml.MappingStartEvent) else []
        self.stack.append(_Open(value, path, mark, event.anchor, self.values))

    def close(self, event: yaml.Event) -> None:
        done = self.stack.pop()
        if done.anchor is not None:
            self.anchors[done.anchor] = _Anchor(done.value, self.values - done.count_at_start + 1)
        self._place(done.value, done.mark)

    def alias(self, event: yaml.AliasEvent) -> None:
        mark, is_key, path = self._where(event)
        name = event.anchor or ""
        if any(o.anchor == name for o in self.stack):
            raise _Refused(mark, limits.SELF)
        anchor = self.anchors.get(name)
        if anchor is None:
            raise _Refused(mark, f"there is no anchor &{name} before this alias; define it first")
        self.aliases += 1
        if self.aliases > limits.MAX_ALIASES:
            raise _Refused(mark, limits.ALIASES)
        self._count(anchor.size, mark)
        if not is_key:
            self.positions.values[path] = mark
        self._place(anchor.value, mark)

    def substitute(self, mark: Mark, path: Path, text: str) -> str:
        def replace(match: re.Match[str]) -> str:
            if match.group(1) == "$":
                return "$"  # `$$` is a literal dollar sign
            name = match.group(2)
            if name not in self.env:
                self.problem(
                    mark, path, f"environment variable {name} is not set; export it or remove ${{{name}}}"
                )
                return ""
            return self.env[name]

        whole = _VAR.fullmatch(text.strip())
        if whole is not None and whole.group(2):
            self.positions.substituted.add(path)
        return _VAR.sub(replace, text)


def load_yaml(text: str, file: str, env: Mapping[str, str]) -> tuple[Any, Positions, list[PlanIssue]]:
    """Parse `text`; return the data, the positions, and problems (YAML syntax, duplicates, ${VAR},
    limits). When a limit is crossed or the YAML is broken, the data is None and one problem says why."""
    if len(text) > limits.MAX_BYTES or len(text.encode("utf-8", "surrogatepass")) > limits.MAX_BYTES:
        return None, Positions(), [PlanIssue(file, 0, 0, "", limits.TOO_BIG)]
    loader = _Loader(text)
    reader = _Reader(file, env, loader)
    try:
        data = reader.read()
    except _Refused as exc:
        return None, Positions(), [PlanIssue(file, *exc.mark, "", exc.message)]
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        reason = " ".join(p for p in (exc.context, exc.problem) if p)
        return None, Positions(), [PlanIssue(file, line, col, "", f"not valid YAML: {reason}")]
    except yaml.YAMLError as exc:
        return None, Positions(), [PlanIssue(file, 0, 0, "", f"not valid YAML: {exc}")]
    finally:
        loader.dispose()
    return data, reader.positions, reader.issues
