"""Errors a user can act on, as opposed to bugs.

A `UserError` carries one line for the person at the keyboard; the CLI prints it and exits
non-zero, the GUI shows it in a dialog. Anything else is a bug: logged with its traceback.
"""


class UserError(Exception):
    """Something the user can fix: a bad file, a locked database, an unknown name."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
