"""`python -m qcode` runs the command line."""

from qcode.cli.main import main

main()
