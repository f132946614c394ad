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


class OpenPetitions(InvalidTransition):
    """A session cannot be closed: these petitions still wait for an answer, a transfer or an
    escalation. `petitions` carries id, status, lead_agency and due_on of each (the CLI phrases
    the command that resolves each one)."""

    def __init__(self, message: str, petitions: list[dict], hint: str | None = None):
        super().__init__(message, hint)
        self.petitions = petitions
