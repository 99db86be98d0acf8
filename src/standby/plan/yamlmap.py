"""YAML → plain data, remembering where each value sits, and replacing ${VAR} from the environment.

PyYAML's composer gives nodes with positions; we build the data ourselves from those nodes so every
value (and every mapping key) keeps its line and column for error messages, and so duplicate keys —
which PyYAML would silently let the last one win — are reported.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import yaml

from standby.plan.issues import Path, PlanIssue, dotted

try:  # libyaml's composer keeps marks too, and reads a 4,000-asset plan ten times faster
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]
_VAR = re.compile(r"\$(\$|\{([A-Za-z_][A-Za-z0-9_]*)\})")


class Positions:
    """Where each path's value (and key) starts in the file, 1-based."""

    def __init__(self) -> None:
        self.values: dict[Path, tuple[int, int]] = {}
        self.keys: dict[Path, tuple[int, int]] = {}
        self.substituted: set[Path] = set()  # values written as one ${VAR}, nothing else

    def at(self, path: Path, *, key: bool = False) -> tuple[int, int]:
        """The position of `path`, or of its nearest ancestor that exists in the file."""
        for end in range(len(path), -1, -1):
            sub = path[:end]
            if key and end == len(path) and sub in self.keys:
                return self.keys[sub]
            if sub in self.values:
                return self.values[sub]
        return (0, 0)


def _mark(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


class _Builder:
    def __init__(self, file: str, env: Mapping[str, str], loader: _Loader) -> None:
        self.file = file
        self.env = env
        self.loader = loader
        self.positions = Positions()
        self.issues: list[PlanIssue] = []

    def problem(self, node: yaml.Node, path: Path, message: str) -> None:
        line, col = _mark(node)
        self.issues.append(PlanIssue(self.file, line, col, dotted(path), message))

    def build(self, node: yaml.Node, path: Path) -> Any:
        self.positions.values[path] = _mark(node)
        if isinstance(node, yaml.MappingNode):
            out: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                key = self.loader.construct_object(key_node, deep=True)
                if not isinstance(key, str | int | float | bool) or key is None:
                    self.problem(key_node, path, "a key must be a plain word")
                    continue
                key = str(key) if not isinstance(key, str) else key
                child = (*path, key)
                if key in out:
                    self.problem(key_node, child, f"{key!r} is given twice; keep one")
                self.positions.keys[child] = _mark(key_node)
                out[key] = self.build(value_node, child)
            return out
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        value = self.loader.construct_object(node, deep=True)
        return self.substitute(node, path, value) if isinstance(value, str) else value

    def substitute(self, node: yaml.Node, path: Path, text: str) -> str:
        def replace(match: re.Match[str]) -> str:
            if match.group(1) == "$":
                return "$"  # `$$` is a literal dollar sign
            name = match.group(2)
            if name not in self.env:
                self.problem(
                    node, path, f"environment variable {name} is not set; export it or remove ${{{name}}}"
                )
                return ""
            return self.env[name]

        whole = _VAR.fullmatch(text.strip())
        if whole is not None and whole.group(2):
            self.positions.substituted.add(path)
        return _VAR.sub(replace, text)


def load_yaml(text: str, file: str, env: Mapping[str, str]) -> tuple[Any, Positions, list[PlanIssue]]:
    """Parse `text`; return the data, the positions, and problems (YAML syntax, duplicates, ${VAR})."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, Positions(), []
        builder = _Builder(file, env, loader)
        data = builder.build(node, ())
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        reason = " ".join(p for p in (exc.context, exc.problem) if p)
        return None, Positions(), [PlanIssue(file, line, col, "", f"not valid YAML: {reason}")]
    except yaml.YAMLError as exc:
        return None, Positions(), [PlanIssue(file, 0, 0, "", f"not valid YAML: {exc}")]
    finally:
        loader.dispose()
    return data, builder.positions, builder.issues
