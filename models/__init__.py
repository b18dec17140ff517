"""The shipped sentiment model (see README.md here), installed as the package ``newsig_models``.

Only data lives here; :func:`analyzer.resources.models_dir` finds the folder with
``importlib.resources``, in a checkout and in an installed wheel alike.
"""
