"""Where newsig's shipped files are, in a checkout and in an installed wheel alike.

Two kinds of files ship with the code:

- ``analyzer/data/``: word lists, patterns, the built-in universe (package data of ``analyzer``);
- ``models/``: the sentiment model. It stays ``models/`` in the repository and is installed
  as the package ``newsig_models`` (``[tool.setuptools.package-dir]`` in ``pyproject.toml``),
  a name that cannot collide with another distribution's ``models`` in site-packages.

Both are found with :mod:`importlib.resources`, never relative to the working directory,
so ``pip install newsig`` (not only ``pip install -e .``) finds them. Only the standard
library is imported here: ``newsig --version`` uses it.

Example: ``data_path("quotes.json").name == "quotes.json"``; ``models_dir() / "SHA256SUMS"``.
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import importlib.util
from importlib import resources
from pathlib import Path

MODELS_PACKAGE = "newsig_models"
CHECKSUM_FILE = "SHA256SUMS"

_extracted = contextlib.ExitStack()  # files extracted from a zipped install live until exit
atexit.register(_extracted.close)


def _as_path(resource: resources.abc.Traversable) -> Path:
    """A real filesystem path for a resource (extracted to a temp dir only for zipped installs)."""
    if isinstance(resource, Path):
        return resource
    return _extracted.enter_context(resources.as_file(resource))


def data_dir() -> Path:
    """The folder of ``analyzer/data`` (package data of ``analyzer``)."""
    return _as_path(resources.files("analyzer") / "data")


def data_path(name: str) -> Path:
    """One file of ``analyzer/data``, e.g. ``data_path("events.jsonl")`` (it may not exist)."""
    return data_dir() / name


def models_dir() -> Path:
    """The folder of the shipped sentiment model.

    The installed package ``newsig_models`` when there is one (any wheel or editable
    install of this version); otherwise, for a checkout whose editable install predates
    the mapping, the checkout's ``models/`` next to ``analyzer/``.
    """
    if importlib.util.find_spec(MODELS_PACKAGE) is not None:
        return _as_path(resources.files(MODELS_PACKAGE))
    return Path(__file__).resolve().parents[1] / "models"


def model_checksum(folder: Path | None = None) -> str | None:
    """sha256 of the model's ``SHA256SUMS`` (which lists the weights' and config's sha256),
    so one digest names the whole model; ``None`` when there is no model.

    Cheap (reads one small file): the listed checksums are verified when the model loads.
    """
    sums = (folder if folder is not None else models_dir()) / CHECKSUM_FILE
    try:
        return hashlib.sha256(sums.read_bytes()).hexdigest()
    except OSError:
        return None
