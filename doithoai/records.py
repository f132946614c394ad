"""The main records the services return, typed: one TypedDict per table row, keys exactly the
table's columns (tests/test_records.py checks them against a freshly migrated base).

Annotations only: at run time these are the plain dicts `Database.row`/`query` build. A
service that adds computed keys (e.g. `days_overdue`) returns `dict`, not one of these.
"""

from __future__ import annotations

from typing import TypedDict


class Session(TypedDict):
    """One dialogue session (table `sessions`), as `sessions.get` returns it."""

    id: int
    code: str
    title: str
    commune: str
    date: str
    time: str
    location: str
    chair: str
    secretary: str
    status: str
    notice_by: str | None
    review_by: str | None
    answer_due: str | None
    complex_answer_due: str | None
    calendar_rev: int | None
    notice_sent_on: str | None
    held_on: str | None
    reviewed_on: str | None
    closed_on: str | None
    conclusion: str
    created_at: str
    cancelled_on: str | None
    cancel_reason: str
    chair_name: str
    chair_position: str
    secretary_name: str
    secretary_position: str
    officials: str
    citizens_present: int | None
    end_time: str


class Petition(TypedDict):
    """One petition (table `petitions`), as `petitions.get` returns it."""

    id: int
    session_id: int
    petitioner_id: int
    stable_key: str
    form_no: str
    content: str
    content_fold: str
    field_id: int | None
    urgency: str
    source: str
    registered_on: str | None
    speak: int
    speak_order: int | None
    proposed_agency: str
    status: str
    complex: int
    complex_reason: str
    conclusion: str
    lead_agency_id: int | None
    due_on: str | None
    created_at: str
    batch_id: int | None
    duplicate_of: int | None
    set_aside_reason: str
    status_before: str | None


class Agency(TypedDict):
    """One agency (table `agencies`), as `agencies.get`/`resolve`/`list_all` return it."""

    id: int
    code: str
    name: str
    name_fold: str
    kind: str
    email: str
    head: str
    aliases: str
    active: int
    head_email: str


class Assignment(TypedDict):
    """One agency's assignment to a petition (table `assignments`; role lead or support)."""

    id: int
    petition_id: int
    agency_id: int
    role: str
    due_on: str
    due_rule: str
    manual_due: int
    calendar_rev: int | None
    assigned_on: str
    active: int


class Action(TypedDict):
    """One step on a petition (table `actions`): an answer, a transfer, an escalation, a closing …"""

    id: int
    petition_id: int
    kind: str
    on_date: str
    agency_id: int | None
    to_body: str
    doc_number: str
    doc_date: str | None
    summary: str
    resolved: int | None
    created_at: str
    accepted: int | None


# An answer is an action of one of the answer kinds (answer_meeting, answer_written, …).
Answer = Action

TABLES: dict[str, type] = {"sessions": Session, "petitions": Petition, "agencies": Agency,
                          "assignments": Assignment, "actions": Action}
