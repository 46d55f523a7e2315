"""A Markdown body as a list of blocks, so that it can be translated block by block and put back together.

A block keeps the Markdown around its text (heading level, list marker and indentation, quote marker, a table
row's outer pipes, the blank lines before it) apart from the text itself. ``body_rebuild`` puts new text into the
structure of the source, so a translation can change words but never the shape of the article. Code, rules and
table delimiter rows carry no text to translate and are copied as they are.

This is a line-based reading of the Markdown that editors write, not a renderer: ``render_markdown`` stays the
one judge of the HTML. Both sides of a translation go through the same reading, which is what the checks need.
"""

import re
from dataclasses import dataclass, replace

from ..markdown import normalise_line_endings

# Kinds whose text is translated; the others are copied from the source.
TEXT_KINDS = ("paragraph", "heading", "list-item", "quote", "table-row")

FENCE = re.compile(r"^( {0,3})(`{3,}|~{3,})")
ATX_HEADING = re.compile(r"^( {0,3})(#{1,6})(?:[ \t]+(.*?))??(?:[ \t]+#+)?[ \t]*$")
SETEXT_UNDERLINE = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
RULE = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
QUOTE = re.compile(r"^( {0,3})> ?")
LIST_ITEM = re.compile(r"^([ \t]*)([-+*]|\d{1,9}[.)])([ \t]+|$)")
TABLE_DELIMITER = re.compile(r"^ {0,3}\|?[ \t]*:?-+:?[ \t]*(\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$")
UNESCAPED_PIPE = re.compile(r"(?<!\\)\|")
TABLE_ROW = re.compile(r"(?P<opening>[ \t]*(?:\|[ \t]*)?)(?P<text>.*?)(?P<closing>(?:[ \t]*(?<!\\)\|)?)")


@dataclass(frozen=True)
class Block:
    kind: str
    text: str = ""
    prefix: str = ""  # before the first line of text: "## ", "  - ", "> ", "| "
    continuation: str = ""  # before every further line of text: the list item's indentation, "> "
    suffix: str = ""  # after the text: a setext underline ("\n---"), a table row's closing " |"
    gap: int = 0  # blank lines before the block
    level: int = 0  # a heading's level; a list item's or indented paragraph's indentation

    @property
    def has_text(self) -> bool:
        return self.kind in TEXT_KINDS and bool(self.text)

    @property
    def shape(self) -> tuple:
        """What must stay the same in a translation: the kind, level, marker type and a table row's cells."""
        marker: str | int = ""
        if self.kind == "list-item":
            marker = "ordered" if self.prefix.strip()[:1].isdigit() else "bullet"
        elif self.kind == "table-row":
            marker = table_cells(self.text)
        return (self.kind, self.level, marker, self.gap)

    def render(self) -> str:
        lines = self.text.split("\n")
        rest = [(self.continuation + line) if line else self.continuation.rstrip() for line in lines[1:]]
        return "\n".join([self.prefix + lines[0], *rest]) + self.suffix


def table_cells(row_text: str) -> int:
    return len(UNESCAPED_PIPE.findall(row_text)) + 1


def indentation(line: str) -> int:
    return len(line.expandtabs(4)) - len(line.expandtabs(4).lstrip(" "))


def dedent(line: str, width: int) -> str:
    """``line`` without up to ``width`` columns of its indentation: a continuation line's own indentation stays."""
    line = line.expandtabs(4)
    return line[min(width, indentation(line)):]


def starts_block(line: str) -> bool:
    """Whether ``line`` begins a block of its own, which ends the paragraph or list item above it."""
    return bool(
        FENCE.match(line) or ATX_HEADING.match(line) or RULE.match(line) or QUOTE.match(line)
        or ((item := LIST_ITEM.match(line)) is not None and line[item.end():].strip())
    )


def body_blocks(body: str) -> list[Block]:
    """Split a Markdown body into its blocks, in order."""
    lines = normalise_line_endings(body).split("\n")
    blocks: list[Block] = []
    index, gap = 0, 0
    while index < len(lines):
        if not lines[index].strip():
            gap += 1
            index += 1
            continue
        block, index = read_block(lines, index, previous=blocks[-1] if blocks else None)
        blocks.append(replace(block, gap=gap if blocks else 0))
        gap = 0
    return blocks


def read_block(lines: list[str], index: int, *, previous: Block | None) -> tuple[Block, int]:
    """The block that starts at ``lines[index]``, and the index of the line after it."""
    line = lines[index]
    # Indented text after a list item belongs to the item (a second paragraph); elsewhere it is code.
    in_list = previous is not None and (
        previous.kind == "list-item" or (previous.kind == "paragraph" and previous.level)
    )
    if fence := FENCE.match(line):
        end = index + 1
        closing = re.compile(rf"^ {{0,3}}{re.escape(fence.group(2)[0])}{{{len(fence.group(2))},}}[ \t]*$")
        while end < len(lines) and not closing.match(lines[end]):
            end += 1
        return Block("code", prefix="\n".join(lines[index:end + 1])), end + 1
    if indentation(line) >= 4 and not in_list:
        end = index + 1
        while end < len(lines) and (indentation(lines[end]) >= 4 or not lines[end].strip()):
            end += 1
        while not lines[end - 1].strip():
            end -= 1
        return Block("code", prefix="\n".join(lines[index:end])), end
    if heading := ATX_HEADING.match(line):
        text = (heading.group(3) or "").strip()
        hashes = line[heading.end(3):].rstrip() if text else ""
        return Block("heading", text, prefix=f"{heading.group(1)}{heading.group(2)} ", suffix=hashes,
                     level=len(heading.group(2))), index + 1
    if RULE.match(line):
        return Block("rule", prefix=line.rstrip()), index + 1
    if QUOTE.match(line):
        end, texts = index, []
        while end < len(lines) and lines[end].strip() and (QUOTE.match(lines[end]) or not starts_block(lines[end])):
            quoted = QUOTE.match(lines[end])
            texts.append(lines[end][quoted.end():] if quoted else lines[end].strip())
            end += 1
        return Block("quote", "\n".join(texts).strip(), prefix="> ", continuation="> "), end
    if item := LIST_ITEM.match(line):
        indent, marker = item.group(1), item.group(2)
        content_offset = len(indent.expandtabs(4)) + len(marker) + 1
        end, texts = index + 1, [line[item.end():].strip()]
        while end < len(lines) and lines[end].strip() and not starts_block(lines[end]):
            texts.append(dedent(lines[end], content_offset))
            end += 1
        return Block(
            "list-item", "\n".join(texts).rstrip(), prefix=f"{indent}{marker} ", continuation=" " * content_offset,
            level=len(indent.expandtabs(4)),
        ), end
    if "|" in line and index + 1 < len(lines) and TABLE_DELIMITER.match(lines[index + 1]) and "-" in lines[index + 1]:
        return table_row(line), index + 1
    if TABLE_DELIMITER.match(line) and "|" in line and "-" in line:
        return Block("table-delimiter", prefix=line.rstrip()), index + 1
    in_table = previous is not None and previous.kind in ("table-row", "table-delimiter") and lines[index - 1].strip()
    if "|" in line and in_table:
        return table_row(line), index + 1
    # A paragraph: up to a blank line, a line that starts another block, or a setext underline.
    indent = " " * indentation(line) if in_list else ""
    end, texts = index, []
    while end < len(lines) and lines[end].strip():
        if end > index and (underline := SETEXT_UNDERLINE.match(lines[end])):
            level = 1 if underline.group(1).startswith("=") else 2
            return Block("heading", "\n".join(texts).rstrip(), prefix=indent, continuation=indent,
                         suffix="\n" + lines[end].rstrip(), level=level), end + 1
        if end > index and starts_block(lines[end]):
            break
        texts.append(dedent(lines[end], len(indent)) if end > index else line.strip())
        end += 1
    return Block("paragraph", "\n".join(texts).rstrip(), prefix=indent, continuation=indent, level=len(indent)), end


def table_row(line: str) -> Block:
    """A table row: its cells are the text, its outer pipes and spacing the prefix and suffix."""
    row = TABLE_ROW.fullmatch(line.rstrip())
    assert row is not None, "every part of TABLE_ROW is optional, so any one line matches"
    return Block("table-row", row["text"], prefix=row["opening"], suffix=row["closing"])


def body_join(blocks: list[Block]) -> str:
    """The Markdown of ``blocks``, with the blank lines each had before it."""
    parts = []
    for number, block in enumerate(blocks):
        if number:
            parts.append("\n" * (block.gap + 1))
        parts.append(block.render())
    return "".join(parts)


def body_rebuild(source: list[Block], texts: dict[int, str]) -> str:
    """The Markdown of the ``source`` blocks with the text of block ``n`` replaced by ``texts[n]``."""
    return body_join([
        replace(block, text=texts[number]) if number in texts else block
        for number, block in enumerate(source)
    ])
