"""The scratch database of an import: what a run remembers of each file, on disk, so that its memory stays flat
whatever the number of files (an archive of 500,000 articles is 1.5 million files).

A SQLite file of the standard library's ``sqlite3``, in a directory of its own under the temporary folder, with a
connection of its own (never Django's), removed when the run ends. It is scratch: no journal, no syncing, a
bounded page cache (sorts beyond it spill to SQLite's temporary files, not to memory).
"""

import os
import sqlite3
import sys
import tempfile
from pathlib import Path

# The page cache, and the memory a sort may use before it spills to temporary files (SQLite's floor for a sort is
# ~1 MiB anyway). More buys nothing measurable: at 300,000 files, 4 MiB made the same queries no faster and the
# grouping of articles into batches took 10 MiB more at its peak.
CACHE_KIB = 1024
PREFIX = "newsroom-import-"


class ScratchDatabase:
    """A temporary SQLite database, removed by ``close`` (or, failing that, when it is collected)."""

    def __init__(self, schema: str) -> None:
        self.directory = tempfile.TemporaryDirectory(prefix=PREFIX, ignore_cleanup_errors=True)
        self.path = Path(self.directory.name) / "plan.sqlite3"
        # Autocommit (no statement opens a transaction of its own): one transaction, begun below, lasts the run.
        self.connection = sqlite3.connect(self.path, isolation_level=None)
        for pragma in ("journal_mode = OFF", "synchronous = OFF", f"cache_size = -{CACHE_KIB}",
                       "temp_store = FILE", "locking_mode = EXCLUSIVE"):
            self.connection.execute(f"PRAGMA {pragma}")
        self.connection.executescript(schema)
        self.connection.execute("BEGIN")

    def close(self) -> None:
        self.connection.close()
        self.directory.cleanup()


def path_bytes(path: Path) -> bytes:
    """``path`` as stored: its bytes on the file system (a name that is not UTF-8 is kept as it is)."""
    return os.fsencode(path)


def bytes_path(data: bytes) -> Path:
    return Path(os.fsdecode(data))


def text_bytes(text: str) -> bytes:
    """Text from a file as stored: UTF-8, with any lone surrogate (YAML's pure-Python loader reads ``"\\udc80"``)
    kept, where binding the text as such would fail."""
    return text.encode("utf-8", "surrogatepass")


def bytes_text(data: bytes) -> str:
    return data.decode("utf-8", "surrogatepass")


if sys.version_info >= (3, 12):
    def path_order(path: Path) -> bytes:
        """A key whose byte order is the order of ``Path`` objects (``sorted(paths)``), for the database to sort by.

        Paths compare by their parts, as lists of text: the parts joined by a character below any other (NUL,
        which no path holds), encoded in UTF-8 (whose byte order is the characters' order, lone surrogates
        included), compare the same way. Python 3.12 on compares ``str(path).split("/")``; 3.11 ``path.parts``,
        whose first part is ``/`` for an absolute path.
        """
        return os.fspath(path).encode("utf-8", "surrogatepass").replace(b"/", b"\0")
else:  # pragma: no cover (Python 3.11)
    def path_order(path: Path) -> bytes:
        return "\0".join(path.parts).encode("utf-8", "surrogatepass")
