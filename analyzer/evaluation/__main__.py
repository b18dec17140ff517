"""``python -m analyzer.evaluation``: an alias of ``newsig eval`` (the same command, options and output)."""

from __future__ import annotations

from analyzer.cli.evaluate import app


def main() -> None:
    app(prog_name="python -m analyzer.evaluation")


if __name__ == "__main__":
    main()
