"""The plan of an import lives in a scratch database: memory that does not grow with the files, the database
gone when the run ends, files found and ordered as before."""

import gc
import os
import tracemalloc
from pathlib import Path

import pytest
from django.db import DatabaseError

from articles import markdown_files
from articles.markdown_files.reading import markdown_files_under
from articles.markdown_files.scratch import ScratchDatabase, path_order
from articles.models import Article
from tests.support import failed_import, import_articles, write_article, write_source

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


class CheckPassDone(Exception):
    pass


def memory_held_after_the_check_pass(folder: Path, files: int, monkeypatch) -> int:
    """The bytes that an import of ``files`` small valid files holds (allocated since it started, still alive) when
    its checking pass is done, as tracemalloc counts them: allocation sizes, not time."""
    for number in range(files):
        write_article(folder, key=f"a{number}", slug=f"a-{number}", status="published",
                      published_at="2025-03-14T09:30:00+05:00", section="City", section_key="city")
    held = []

    def measured(plan):
        gc.collect()
        held.append(tracemalloc.get_traced_memory()[0])
        raise CheckPassDone

    monkeypatch.setattr(markdown_files.checking.ImportPlan, "check_database", measured)
    tracemalloc.start()
    try:
        with pytest.raises(CheckPassDone):
            markdown_files.articles_import(paths=[folder], processes=1)
    finally:
        tracemalloc.stop()
    return held[0]


def test_the_memory_an_import_holds_after_checking_does_not_grow_with_its_files(tmp_path, monkeypatch):
    memory_held_after_the_check_pass(tmp_path / "warm-up", 20, monkeypatch)  # what a first run loads once
    few = memory_held_after_the_check_pass(tmp_path / "few", 100, monkeypatch)
    many = memory_held_after_the_check_pass(tmp_path / "many", 1000, monkeypatch)
    # Kept in memory, what 900 more files left behind was ~2 KB each (1.9 MB); on disk, what differs is the noise
    # of freed memory kept for reuse (±20 KB).
    assert abs(many - few) < 64 * 1024, (few, many)


@pytest.fixture
def scratch_databases(monkeypatch) -> list[Path]:
    """The scratch databases the test's runs open, each checked to exist when it is opened."""
    opened = []
    open_scratch = ScratchDatabase.__init__

    def recorded(self, schema):
        open_scratch(self, schema)
        assert self.path.is_file()
        opened.append(self.path)

    monkeypatch.setattr(ScratchDatabase, "__init__", recorded)
    return opened


def test_the_scratch_database_is_removed_after_a_run_a_failed_run_and_a_dry_run(tmp_path, scratch_databases):
    write_article(tmp_path / "good")
    write_article(tmp_path / "bad", key="bad", status="unknown")
    import_articles(tmp_path / "good")
    failed_import(tmp_path / "bad")
    import_articles(tmp_path / "good", dry_run=True)
    failed_import(tmp_path / "good", tmp_path / "bad", continue_on_error=True)
    assert len(scratch_databases) == 4
    for path in scratch_databases:
        assert not path.exists() and not path.parent.exists()


def test_the_scratch_database_is_removed_when_a_run_is_interrupted(tmp_path, scratch_databases, monkeypatch):
    write_article(tmp_path)

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(markdown_files.writing, "write_article_batch", interrupted)
    with pytest.raises(KeyboardInterrupt):
        import_articles(tmp_path)
    [path] = scratch_databases
    assert not path.exists() and not path.parent.exists()
    assert not Article.objects.exists()


def test_a_database_error_while_checking_leaves_no_scratch_database(tmp_path, scratch_databases, monkeypatch):
    write_article(tmp_path, slug="story")

    def failing(*args, **kwargs):
        raise DatabaseError("the database is gone")

    monkeypatch.setattr(markdown_files.checking.Article._base_manager, "filter", failing)
    with pytest.raises(DatabaseError):
        import_articles(tmp_path)
    [path] = scratch_databases
    assert not path.parent.exists()


def test_the_scratch_database_orders_paths_as_python_does(tmp_path):
    names = ["a", "a-b", "a.b", "a b", "a/b", "a-b/c", "a/b-c", "ab", "A", "é", "е", "Ä", "z", os.fsdecode(b"\xff"),
             "-x", ".hidden", "x" * 50, "日本"]
    paths = [Path(root, name, leaf) for root in ("/abs", "rel", "../up", "-dash", ".") for name in names
             for leaf in ("0.md", "a.en.md", "a-b.md")]
    paths += [Path("/"), Path("//double"), Path("."), Path("a"), Path("/a")]
    assert sorted(paths, key=path_order) == sorted(paths)


def test_files_are_found_in_folders_as_rglob_finds_them(tmp_path):
    folder = tmp_path / "archive"
    for name in ("a.en.md", "b/c.ru.md", ".hidden/d.md", "b/e/f.md", "upper.MD", "g.md.txt", ".md", "dir.md/h.md"):
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text("x")
    (folder / os.fsdecode(b"not-utf-8-\xff.md")).write_text("x")
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "i.md").write_text("x")
    (folder / "linked").symlink_to(tmp_path / "elsewhere")  # a linked folder is not entered
    (folder / "link.md").symlink_to(folder / "a.en.md")
    (folder / "broken.md").symlink_to(folder / "nowhere.md")
    found = list(markdown_files_under(folder))
    assert len(found) == len(set(found))
    assert set(found) == set(folder.rglob("*.md"))


def test_a_file_found_twice_is_read_once_under_the_path_it_is_found_by_first(tmp_path):
    folder = tmp_path / "archive"
    bad = write_source(folder, "story.en.md", {"key": "story", "lang": "en", "title": "T", "status": "unknown"})
    (folder / "0-link.md").symlink_to(bad)
    error = failed_import(folder, bad, tmp_path / "archive" / "0-link.md")
    assert "0-link.md:" in error and "story.en.md" not in error
    assert "1 file failed" in error
