"""Slugs made from titles in any language: readable Latin letters, never empty."""

import hashlib

from slugify import slugify

MAX_SLUG_LENGTH = 80
# Letters the transliteration table behind python-slugify drops; without these "Әуежай" would become "uezhai".
REPLACEMENTS = [["Ә", "a"], ["ә", "a"]]


def slug_from_title(title: str, language: str) -> str:
    """Transliterate ``title`` to a lowercase ASCII slug ("Қазақстан жаңалықтары" → "kazakstan-zhanalyktary").

    Latin slugs survive being pasted into messengers and e-mails, where Cyrillic ones turn into %D0%9A….
    A title with no letters or digits at all gets a short digest of itself, so a slug is never empty.
    """
    slug = slugify(title, max_length=MAX_SLUG_LENGTH, word_boundary=True, replacements=REPLACEMENTS)
    if slug:
        return slug
    return "n-" + hashlib.sha256(f"{language}:{title}".encode()).hexdigest()[:10]
