"""Names made for addresses and files: slugs from titles in any language, file names from keys; never empty."""

import hashlib
import re

from slugify import slugify

MAX_SLUG_LENGTH = 80
# Letters the transliteration table behind python-slugify drops; without these "Әуежай" would become "uezhai".
REPLACEMENTS = [["Ә", "a"], ["ә", "a"]]
# A key that is this is used as it is in exported file names (Markdown and PO alike): safe on every file system.
SAFE_FILE_STEM = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")


def slug_from_title(title: str, language: str) -> str:
    """Transliterate ``title`` to a lowercase ASCII slug ("Қазақстан жаңалықтары" → "kazakstan-zhanalyktary").

    Latin slugs survive being pasted into messengers and e-mails, where Cyrillic ones turn into %D0%9A….
    A title with no letters or digits at all gets a short digest of itself, so a slug is never empty.
    """
    slug = slugify(title, max_length=MAX_SLUG_LENGTH, word_boundary=True, replacements=REPLACEMENTS)
    if slug:
        return slug
    return "n-" + hashlib.sha256(f"{language}:{title}".encode()).hexdigest()[:10]


def file_stem(key: str | None, *, prefix: str, pk: int) -> str:
    """The name an exported file of an object starts with: ``key`` when it is safe as a file name.

    An object without a key gets ``<prefix>-<pk>``; one whose key is not safe gets ``<prefix>-`` and a digest of
    the key, so that two such keys never share a file (the key itself is written inside the file).
    """
    if not key:
        return f"{prefix}-{pk}"
    if SAFE_FILE_STEM.fullmatch(key):
        return key
    return f"{prefix}-{hashlib.sha256(key.encode()).hexdigest()[:12]}"
