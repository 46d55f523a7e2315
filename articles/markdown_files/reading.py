"""Read the files of an import: find them, decode them and split them into front matter and body.

Nothing here knows the models: every problem is reported with the file, line and field it is about.
"""

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

YamlLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
TEXT_TAG = "tag:yaml.org,2002:str"
# What anchors (&a), aliases (*a) and tags (!!str) start with.
REFERENCE_MARKS = frozenset("&*!")
# Values and names from a file are cut to this length in messages, so no file can flood the output.
MAX_QUOTED_CHARS = 60


def shortened(text: str) -> str:
    """``text`` cut to ``MAX_QUOTED_CHARS`` characters, marked with … when cut."""
    return text if len(text) <= MAX_QUOTED_CHARS else text[:MAX_QUOTED_CHARS] + "…"


def quoted(text: str) -> str:
    """``text`` quoted for a message, cut like ``shortened``."""
    return repr(text) if len(text) <= MAX_QUOTED_CHARS else repr(text[:MAX_QUOTED_CHARS]) + "…"


@dataclass(frozen=True)
class ImportProblem:
    path: Path
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else str(self.path)
        return f"{where}: {shortened(self.field)}: {self.message}"


class SourceError(Exception):
    """A file that cannot be imported, with everything wrong with it."""

    def __init__(self, problems: list[ImportProblem]):
        super().__init__("\n".join(map(str, problems)))
        self.problems = problems


def line_of_offset(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def split_front_matter(path: Path, text: str) -> tuple[str, str, int]:
    """Return the YAML text, the body and the body's first line number."""
    lines = text.split("\n")
    if lines[0].rstrip() != "---":
        raise SourceError([ImportProblem(
            path, 1, "front matter", "the file must start with a '---' line, then the fields, then another '---' line"
        )])
    closing = next((index for index, line in enumerate(lines) if index and line.rstrip() in ("---", "...")), None)
    if closing is None:
        raise SourceError([ImportProblem(path, 1, "front matter", "no closing '---' line after the fields")])
    start = closing + 1  # blank lines between the fields and the body are not part of the body
    while start < len(lines) and not lines[start].strip():
        start += 1
    return "\n".join(lines[1:closing]), "\n".join(lines[start:]).rstrip(), start + 1


def refuse_references(path: Path, text: str) -> None:
    """Refuse anchors, aliases and explicit tags before anything is built from the YAML.

    Front matter is flat data that needs none of them, and aliases can make a few hundred bytes expand to
    gigabytes (an "alias bomb"); the events are read one by one, so nothing expands here. Text without the three
    characters that start them (``&``, ``*``, ``!``) has none, and is not parsed for them.
    """
    if not REFERENCE_MARKS.intersection(text):
        return
    for event in yaml.parse(text, Loader=YamlLoader):
        if isinstance(event, yaml.AliasEvent):
            message = f"aliases (*{shortened(event.anchor or '')}) are not allowed; write the value out"
        elif isinstance(event, yaml.NodeEvent) and event.anchor is not None:
            message = f"anchors (&{shortened(event.anchor)}) are not allowed; write the value out"
        elif isinstance(event, yaml.ScalarEvent | yaml.CollectionStartEvent) and event.tag is not None:
            message = f"tags ({shortened(event.tag)}) are not allowed; quote a value to make it text"
        else:
            continue
        line = event.start_mark.line + 2 if event.start_mark else None
        raise SourceError([ImportProblem(path, line, "front matter", message)])


def parse_front_matter(path: Path, text: str) -> tuple[dict[str, tuple[Any, yaml.Node]], dict[str, int]]:
    """Return each field's value and node, and each field's line in the file (the YAML starts on line 2)."""
    loader = YamlLoader(text)
    try:
        refuse_references(path, text)
        node = loader.get_single_node()
        if not isinstance(node, yaml.MappingNode):
            line = node.start_mark.line + 2 if node is not None else 1
            raise SourceError([ImportProblem(path, line, "front matter", "must be a mapping of fields")])
        values, lines, problems = {}, {}, []
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 2
            # Judged by the node, never built: a name is a plain scalar that YAML reads as text.
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag != TEXT_TAG:
                name = key_node.value if isinstance(key_node, yaml.ScalarNode) else "front matter"
                problems.append(ImportProblem(path, line, name, "field names must be text"))
                continue
            name = key_node.value
            if name in values:
                problems.append(ImportProblem(path, line, name, "is given twice"))
                continue
            lines[name] = line
            try:
                values[name] = (loader.construct_object(value_node, deep=True), value_node)
            except (ValueError, OverflowError) as error:  # e.g. a timestamp with month 13
                problems.append(ImportProblem(path, line, name, str(error)))
        if problems:
            raise SourceError(problems)
        return values, lines
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
        if isinstance(error, yaml.reader.ReaderError):  # a control character: it knows its offset only
            line = text.count("\n", 0, error.position) + 2
            message = error.reason
        else:
            line = mark.line + 2 if mark is not None else 1
            message = getattr(error, "problem", None) or str(error)
        raise SourceError([ImportProblem(path, line, "front matter", f"invalid YAML: {message}")]) from None
    finally:
        loader.dispose()


def decode_source(path: Path) -> str:
    data = path.read_bytes()
    if (offset := data.find(b"\0")) >= 0:
        raise SourceError([ImportProblem(
            path, line_of_offset(data, offset), "file", f"contains a NUL byte (at byte {offset}); is it a text file?"
        )])
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as error:
        raise SourceError([ImportProblem(
            path, line_of_offset(data, error.start), "file",
            f"is not valid UTF-8 (byte 0x{data[error.start]:02x} at offset {error.start})",
        )]) from None


def markdown_files_under(folder: Path) -> Iterator[Path]:
    """What ``folder.rglob("*.md")`` yields (folders linked to are not entered), in no particular order, one
    entry at a time: ``rglob`` lists each folder's entries before yielding any, a million entries at once for a
    folder of a million files."""
    stack = [os.fspath(folder)]
    while stack:
        try:
            with os.scandir(stack.pop()) as entries:
                for entry in entries:
                    try:
                        is_folder = entry.is_dir(follow_symlinks=False)
                    except OSError:
                        is_folder = False
                    if is_folder:
                        stack.append(entry.path)
                    if entry.name.endswith(".md"):
                        yield Path(entry.path)
        except OSError:
            continue


def find_source_files(paths: Iterable[Path]) -> Iterator[tuple[int, Path, Path] | ImportProblem]:
    """Yield (the number of the path given, file, folder) for each file given and each ``*.md`` file under each
    folder given, in no particular order (``ImportPlan.find`` sorts them and leaves out those found twice); a
    missing path as a problem. The folder is the one given, or a given file's own: the files it may refer to are
    inside it.
    """
    for number, path in enumerate(map(Path, paths)):
        if path.is_dir():
            for candidate in markdown_files_under(path):
                if candidate.is_file():
                    yield number, candidate, path
        elif path.is_file():
            yield number, path, path.parent
        else:
            yield ImportProblem(path, None, "file", "no such file or folder")
