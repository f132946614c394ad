"""The console-script entry point.

`doithoai --help` is answered from a pre-rendered text, without importing typer, so the
first thing a newcomer types is instant; tests/test_cli_help.py keeps that text identical
to what the CLI renders. Everything else goes to the Typer application.
"""

import sys


def main() -> None:
    if sys.argv[1:] in (["--help"], ["-h"]):
        from doithoai._root_help import ROOT_HELP

        sys.stdout.write(ROOT_HELP)
        return
    from doithoai.cli import main as run

    run()
