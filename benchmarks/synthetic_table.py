"""Write a synthetic national ITA results table (tests and benchmarks only; every row is marked).

Usage: ``python benchmarks/synthetic_table.py OUT.csv [--rows N] [--fiscal-year Y] [--seed S]``.
See :mod:`ita_lib.model.synthetic`.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from ita_lib.model.synthetic import NATIONAL_FIGURES, write_synthetic_table


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the arguments and write the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output", help="CSV file to write")
    parser.add_argument("--rows", type=int, default=None, help="agencies (default: national)")
    parser.add_argument("--fiscal-year", type=int, default=2564, choices=sorted(NATIONAL_FIGURES))
    parser.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    args = parser.parse_args(argv)
    path = write_synthetic_table(
        args.output, args.rows, fiscal_year=args.fiscal_year, seed=args.seed
    )
    print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
