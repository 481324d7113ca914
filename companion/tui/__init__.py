"""The Textual terminal UI: workout picker, session screen and summary."""
