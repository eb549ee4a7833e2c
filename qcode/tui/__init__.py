"""The coding TUI (Textual); imported only when `qcode code` runs."""
