"""Translating articles: which language versions are up to date, and PO files for translators' tools.

- ``blocks``: a Markdown body as a list of blocks (paragraph, heading, list item…), so that it is translated block
  by block and put back together in the source's shape;
- ``status``: the rule for original, up to date, outdated and missing, and the fingerprints it compares;
- ``po``: an article as a PO file, one entry per title, lead, cover text and body block (``export_translations``);
- ``po_import``: a translated PO file applied to its article, all or nothing (``import_translations``).
"""
