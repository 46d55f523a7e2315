from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """Hashed, compressed, cache-forever names once ``collectstatic`` has run; plain names before it.

    Development servers and the test suite's live server serve static files from the apps' folders, where only
    the plain names exist, so without a manifest we hand out plain names instead of failing.
    """

    manifest_strict = False

    def stored_name(self, name: str) -> str:
        if not self.hashed_files:
            return name
        return super().stored_name(name)
