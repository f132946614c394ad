"""Domain errors. Services raise them; the CLI turns them into `Lỗi: …` and an exit code."""


class DoithoaiError(Exception):
    """A refused operation or bad data: exit code 1.

    `message` says what is wrong (and where); `hint` says how to fix it.
    """

    exit_code = 1

    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint


class NotFound(DoithoaiError):
    pass


class InvalidTransition(DoithoaiError):
    pass
