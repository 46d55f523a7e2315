from hypothesis import given, settings
from hypothesis import strategies as st

from articles.translating.blocks import body_blocks, body_join, body_rebuild
from tests.support import BODY_EN

MARKDOWN_PIECES = st.sampled_from([
    "# ", "## ", "- ", "* ", "1. ", "2) ", "> ", "| ", " | ", "|---|---|", "---", "***", "```", "~~~", "    ", "  ",
    "\t", "text", "word", "12", ". ", "\n", "\n\n", "=", "-", "#", ">", "|", "Setext\n---", "a|b\n-|-\n",
])


def test_a_body_splits_into_its_blocks_and_joins_back_unchanged():
    blocks = body_blocks(BODY_EN)
    assert [block.kind for block in blocks] == [
        "paragraph", "heading", "list-item", "list-item", "list-item", "list-item", "quote",
        "table-row", "table-delimiter", "table-row", "code", "heading", "paragraph",
    ]
    assert [block.level for block in blocks if block.kind in ("heading", "list-item")] == [2, 0, 0, 2, 2, 3]
    assert body_join(blocks) == BODY_EN


def test_rebuilding_keeps_the_markers_and_replaces_the_text():
    blocks = body_blocks("## Routes ##\n\n1. first\n   line\n2. second\n\n> quoted\n> text")
    rebuilt = body_rebuild(blocks, {0: "Маршруты", 1: "первый\nпункт", 3: "цитата\nв две строки"})
    assert rebuilt == "## Маршруты ##\n\n1. первый\n   пункт\n2. second\n\n> цитата\n> в две строки"


@settings(max_examples=500, deadline=None)
@given(st.lists(MARKDOWN_PIECES, max_size=30).map("".join))
def test_any_body_reads_the_same_once_put_back_together(body):
    """An import checks a translation by reading the rebuilt body again: the source itself must pass that check."""
    blocks = body_blocks(body)
    again = body_blocks(body_join(blocks))
    assert [(block.shape, block.text) for block in again] == [(block.shape, block.text) for block in blocks]
