"""Build shim: the one setting ``pyproject.toml`` cannot express declaratively.

Every ``analyzer*`` package is found automatically, plus ``newsig_models``: the repository's
``models/`` folder installed under a name that cannot collide in site-packages (the mapping is
``[tool.setuptools.package-dir]``, the files ``[tool.setuptools.package-data]``). Everything
else is in ``pyproject.toml``.
"""

from setuptools import find_packages, setup

setup(packages=[*find_packages(include=["analyzer", "analyzer.*"]), "newsig_models"])
