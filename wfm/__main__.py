"""`python -m wfm` runs the CLI."""

from wfm.cli.main import main

main()
