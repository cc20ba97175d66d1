"""Command-line interface: ``entree ...`` and ``python -m entree ...``."""

from __future__ import annotations

import argparse
import sys

import entree


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="entree",
        description="Decision trees from information theory (C4.5 / ID3).",
    )
    parser.add_argument(
        "--version", action="version", version=f"entree {entree.__version__}"
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    parser.parse_args(argv)
    parser.print_help(sys.stdout)
    return 0
