"""``python -m analyzer.evaluation GOLD.jsonl [--misses] [--case X] [--limit N] [--no-sentiment] [--json]``."""

from __future__ import annotations

import argparse
import json
import sys

from analyzer.errors import NewsigError

from . import evaluate, format_report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m analyzer.evaluation", description=__doc__)
    parser.add_argument("gold")
    parser.add_argument("--misses", action="store_true", help="list gold facts not found and extra predictions")
    parser.add_argument("--case", help="only cases whose name contains this")
    parser.add_argument("--limit", type=int, help="only the first N cases")
    parser.add_argument("--no-sentiment", action="store_true", help="skip the transformer and the sentiment part")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    args = parser.parse_args(argv)
    try:
        report = evaluate(args.gold, case=args.case, limit=args.limit, sentiment=not args.no_sentiment)
    except NewsigError as exc:
        print(f"Error: {exc.message}", file=sys.stderr)
        return 1
    print(json.dumps(report, ensure_ascii=False, indent=2) if args.json else format_report(report, misses=args.misses))
    return 0


if __name__ == "__main__":
    sys.exit(main())
