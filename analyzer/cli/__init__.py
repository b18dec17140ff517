"""The ``newsig`` command line, one module per command family.

Each module parses arguments, calls the library and prints; library code raises
:class:`analyzer.errors.NewsigError` and :mod:`.common` turns it into ``Error: ...`` on stderr
and an exit code. Heavy imports live inside the commands so ``newsig --help`` stays instant.
The root app is built in the top-level ``cli.py`` (the console entry point ``newsig``).
"""
