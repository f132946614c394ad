"""Domain errors. Services raise them; the CLI turns them into `Lỗi: …` and an exit code."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Fix:
    """The command that resolves an error, as data: which one (`action`, e.g. "session.list")
    and its arguments. Services name it; the CLI writes the sentence with the command line
    (cli/_errors.py FIX_HINTS), so no command syntax lives in a service."""

    action: str
    args: dict[str, Any] = field(default_factory=dict)


def fix(action: str, **args: Any) -> Fix:
    return Fix(action, args)


@dataclass(frozen=True)
class Notice:
    """A warning a service returns rather than raises: what is not right, and the Fix that
    resolves it (phrased by the CLI like an error's)."""

    message: str
    fix: Fix | None = None


class DoithoaiError(Exception):
    """A refused operation or bad data: exit code 1.

    `message` says what is wrong (and where); `hint` says how to fix it in words; `fix`, when
    set, names the command that fixes it (the CLI phrases it, after `hint` if both are set).
    """

    exit_code = 1

    def __init__(self, message: str, hint: str | None = None, *, fix: Fix | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.fix = fix


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
