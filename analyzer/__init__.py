"""newsig: financial news in, trading signals out.

The flow is one-way: text -> spaCy ``Doc`` (our components) -> records
(:mod:`analyzer.records`) -> SQLite (:mod:`analyzer.store.db`) -> queries and
market joins. Heavy imports (spaCy, torch) stay inside the functions that
need them so ``newsig --help`` is instant.
"""

__version__ = "0.1.0"


def version_info() -> dict[str, str | None]:
    """What this install is: ``{"version": "0.1.0", "model": "68808807", "model_sha256": "6880…"}``.

    ``model`` is the first 8 hex digits of ``model_sha256``, the sha256 of the shipped
    model's ``SHA256SUMS`` (which lists its weights' and config's sha256): one digest
    for the whole model; ``None`` when the model is missing. Two installs that agree on
    both fields produce the same analyses, so a cluster client compares its own with its
    workers'. Cheap: reads one small file, imports nothing heavy (``newsig --version``).
    """
    from analyzer.resources import model_checksum

    digest = model_checksum()
    return {"version": __version__, "model": digest[:8] if digest else None, "model_sha256": digest}
