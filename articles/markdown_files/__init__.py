"""Articles, authors and sections as Markdown files with YAML front matter, in both directions.

One file holds one language version::

    ---
    key: almaty-e-buses          # stable id shared by every language version (required)
    lang: en                     # one of ARTICLES_LANGUAGES (required)
    title: Almaty adds 40 electric buses   # (required)
    author: [Aigerim Sadykova]   # names in this language; author_key pairs with them by position
    author_key: [aigerim-sadykova]
    tags: {almaty: Almaty, transport: Transport}   # tag keys, with names in this language (or a list of keys)
    ---
    The Markdown body.

``type: author`` (``key``, ``lang``, ``name``, ``slug``, ``photo``; the body is the biography), ``type: section``
(``key``, ``lang``, ``name``, ``slug``, ``position``) and ``type: tag`` (``key``, ``lang``, ``name``, ``slug``)
files carry what article files cannot, so that an export imports back to the same database.
Files are named ``<key>.<lang>.md`` (``slugs.file_stem``), authors', sections' and tags' in ``authors/``,
``sections/`` and ``tags/``; covers and photos lie beside them.

A file owns its language version: a translated field it leaves out is emptied. Fields shared by every language
(status, published_at, source_language, section, authors, tags, cover, views) are changed only by files that give
them, and files of one run must agree on them (on tags: on their keys). ``language_status`` and
``language_published_at`` are this language version's own publication state and time (``status`` and
``published_at`` are the article's, the master switch); left out, the language keeps its state, and a new one
follows the article. A run validates every file first (keeping
only small metadata, and that in a scratch SQLite database on disk, so that memory stays flat however many files
a run has), then reads them again to write them in one transaction.

``reading`` finds the files and turns each into front matter and body, ``checking`` validates the fields of each
file and the files of a run against one another and the database (``ImportPlan``, kept in ``scratch``'s
database), ``writing`` writes them through the models; ``exporting`` writes the database out as files that import
back to it.
"""

from .checking import ARTICLE, AUTHOR, SECTION, TAG, SourceFile, read_source_file
from .exporting import ExportReport, articles_export
from .reading import ImportProblem, SourceError
from .writing import (
    CREATED,
    IMPORTERS,
    UNCHANGED,
    UPDATED,
    ImportReport,
    ImportRun,
    article_import_file,
    articles_import,
    author_import_file,
    section_import_file,
    tag_import_file,
)

__all__ = [
    "ARTICLE", "AUTHOR", "CREATED", "IMPORTERS", "SECTION", "TAG", "UNCHANGED", "UPDATED",
    "ExportReport", "ImportProblem", "ImportReport", "ImportRun", "SourceError", "SourceFile",
    "article_import_file", "articles_export", "articles_import", "author_import_file", "read_source_file",
    "section_import_file", "tag_import_file",
]
