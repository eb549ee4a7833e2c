"""qcode: keyboard-first qualitative coding of testimony."""

__version__ = "0.1.0"
