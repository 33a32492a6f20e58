"""Export documents: a person's own records, and lawful disclosures.

Owns: the shape of an export (one JSON document) and its readable HTML rendering, with
the federal notice that must accompany a disclosure. Pure: the standard library only;
every piece of user content goes through `html.escape`, never into markup raw.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from .models import CheckIn, Disclosure, Held, Message, iso

# 42 CFR 2.32(a)(1), the statement that must accompany a disclosure made with consent
# (text of 83 FR 251, as amended at 85 FR 43037). A program's privacy officer may have
# to substitute the statement of a later amendment; it lives in this one place.
PART2_NOTICE = (
    "This record which has been disclosed to you is protected by federal confidentiality "
    "rules (42 CFR part 2). The federal rules prohibit you from making any further "
    "disclosure of this record unless further disclosure is expressly permitted by the "
    "written consent of the individual whose information is being disclosed in this record "
    "or, is otherwise permitted by 42 CFR part 2. A general authorization for the release "
    "of medical or other information is NOT sufficient for this purpose (see \u00a72.31). "
    "The federal rules restrict any use of the information to investigate or prosecute "
    "with regard to a crime any patient with a substance use disorder, except as provided "
    "at \u00a7\u00a72.12(c)(5) and 2.65."
)

# Served with the HTML document: it is data, not an app; nothing may run or load.
HTML_CSP = "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"


def message_record(m: Message) -> dict[str, Any]:
    return {
        "seq": m.seq,
        "author": {"id": m.author.id, "name": m.author.name},
        "sent_at": iso(m.sent_at),
        "edited_at": iso(m.edited_at),
        "text": None if m.deleted else m.text,
        "deleted": m.deleted,
        "removed_by_facilitator": m.removed,
        "reply_to": None if m.reply_to is None else m.reply_to.seq,
    }


def disclosure_record(d: Disclosure) -> dict[str, Any]:
    return {
        "id": d.id,
        "at": iso(d.at),
        "by": {"id": d.actor.id, "name": d.actor.name},
        "what": {"type": d.subject_type, "id": d.subject_id, "name": d.subject_name},
        "recipient": d.recipient,
        "purpose": d.purpose,
        "format": d.format,
    }


def unshared_record(held: Sequence[Held]) -> list[dict[str, Any]]:
    """Messages that never reached the room, with why (labels and state only: a
    facilitator's note stays out)."""
    return [
        {
            "room": h.room_id,
            "sent_at": iso(h.sent_at),
            "text": h.text,
            "state": h.state.value,
            "labels": list(h.labels),
        }
        for h in held
    ]


def rooms_record(
    rooms: Iterable[tuple[int, str, Sequence[Message]]],
) -> list[dict[str, Any]]:
    return [
        {"id": rid, "name": name, "messages": [message_record(m) for m in messages]}
        for rid, name, messages in rooms
    ]


def document(
    *,
    scope: str,
    program: str,
    generated_at: str | None,
    account: Mapping[str, Any] | None = None,
    rooms: list[dict[str, Any]] | None = None,
    unshared: list[dict[str, Any]] | None = None,
    checkins: Sequence[CheckIn] | None = None,
    disclosure: Disclosure | None = None,
    ledger: Sequence[Disclosure] = (),
) -> dict[str, Any]:
    """One export. `scope` is `self` (a person's own download), `member` or `room` (a
    disclosure, which names its recipient and purpose)."""
    doc: dict[str, Any] = {
        "format": "hearth-export/1",
        "scope": scope,
        "program": program,
        "generated_at": generated_at,
        "notice": PART2_NOTICE,
    }
    if disclosure is not None:
        doc["disclosure"] = disclosure_record(disclosure)
    if account is not None:
        doc["account"] = dict(account)
    doc["rooms"] = rooms or []
    if unshared is not None:
        doc["unshared"] = unshared
    if checkins is not None:
        doc["checkins"] = [
            {
                "room": c.room_id,
                "day": c.day,
                "mood": c.mood,
                "craving": c.craving,
                "on_plan": c.on_plan,
                "note": c.note,
                "shared": c.shared,
            }
            for c in checkins
        ]
    if scope == "self":
        doc["disclosures"] = [disclosure_record(d) for d in ledger]
    return doc


def _e(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _dl(pairs: Iterable[tuple[str, object]]) -> str:
    return "<dl>" + "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in pairs) + "</dl>"


def _message_html(m: Mapping[str, Any]) -> str:
    if m["deleted"]:
        text = "(deleted by its author)"
    else:
        text = m["text"]
    flags = []
    if m["edited_at"]:
        flags.append(f"edited {m['edited_at']}")
    if m["removed_by_facilitator"]:
        flags.append("removed by a facilitator")
    if m["reply_to"]:
        flags.append(f"reply to #{m['reply_to']}")
    extra = f" <small>({_e('; '.join(flags))})</small>" if flags else ""
    return (
        f'<li id="m{_e(m["seq"])}"><p><strong>{_e(m["author"]["name"])}</strong> '
        f'<time datetime="{_e(m["sent_at"])}">{_e(m["sent_at"])}</time>{extra}</p>'
        f"<p>{_e(text)}</p></li>"
    )


def render_html(doc: Mapping[str, Any]) -> str:
    """A readable, self-contained page: no script, no style, no links out."""
    scope = doc["scope"]
    title = {
        "self": "Your Hearth records",
        "member": "Disclosure of a member's records",
        "room": "Disclosure of a room's records",
    }.get(scope, "Hearth records")
    parts = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{_e(title)} \u2014 {_e(doc['program'])}</title></head><body>",
        f"<h1>{_e(title)}</h1>",
        f'<section aria-labelledby="notice"><h2 id="notice">Confidentiality notice</h2>'
        f"<p><strong>{_e(doc['notice'])}</strong></p></section>",
        _dl([("Program", doc["program"]), ("Generated", doc["generated_at"])]),
    ]
    if "disclosure" in doc:
        d = doc["disclosure"]
        parts.append("<section><h2>Disclosure</h2>")
        parts.append(
            _dl(
                [
                    ("Ledger entry", d["id"]),
                    ("Disclosed by", d["by"]["name"]),
                    ("Records of", f"{d['what']['type']} {d['what']['name']}"),
                    ("Recipient", d["recipient"]),
                    ("Purpose", d["purpose"]),
                    ("When", d["at"]),
                ]
            )
        )
        parts.append("</section>")
    if "account" in doc:
        a = doc["account"]
        parts.append("<section><h2>Account</h2>")
        parts.append(
            _dl(
                [
                    ("Username", a.get("username")),
                    ("Display name", a.get("name")),
                    ("Role", a.get("role")),
                    ("Created", a.get("created_at")),
                    ("Hide presence", a.get("hide_presence")),
                    ("Hide read receipts", a.get("hide_read")),
                ]
            )
        )
        rooms = a.get("rooms") or []
        if rooms:
            parts.append("<h3>Rooms</h3><ul>")
            parts.extend(f"<li>{_e(r['name'])} ({_e(r['role'])})</li>" for r in rooms)
            parts.append("</ul>")
        accepted = a.get("agreements_accepted") or []
        if accepted:
            parts.append("<h3>Group agreements accepted</h3><ul>")
            parts.extend(
                f"<li>room {_e(x['room'])}, version {_e(x['version'])}, {_e(x['at'])}</li>"
                for x in accepted
            )
            parts.append("</ul>")
        parts.append("</section>")
    for room in doc["rooms"]:
        parts.append(f"<section><h2>Messages in {_e(room['name'])}</h2>")
        if room["messages"]:
            parts.append("<ol>" + "".join(_message_html(m) for m in room["messages"]) + "</ol>")
        else:
            parts.append("<p>No messages.</p>")
        parts.append("</section>")
    if doc.get("unshared"):
        parts.append("<section><h2>Messages that were not shared with the room</h2><ol>")
        parts.extend(
            f"<li><p><time>{_e(u['sent_at'])}</time> <small>({_e(u['state'])}: "
            f"{_e(', '.join(u['labels']))})</small></p><p>{_e(u['text'])}</p></li>"
            for u in doc["unshared"]
        )
        parts.append("</ol></section>")
    if doc.get("checkins"):
        parts.append("<section><h2>Daily check-ins</h2><ol>")
        parts.extend(
            f"<li><p><time>{_e(c['day'])}</time> mood {_e(c['mood'])} of 5, craving "
            f"{_e(c['craving'])} of 10, {'on' if c['on_plan'] else 'off'} plan, "
            f"{'shared with the group' if c['shared'] else 'for facilitators only'}</p>"
            f"<p>{_e(c['note'])}</p></li>"
            for c in doc["checkins"]
        )
        parts.append("</ol></section>")
    if scope == "self":
        parts.append("<section><h2>Disclosures of your records</h2>")
        ledger = doc.get("disclosures") or []
        if not ledger:
            parts.append("<p>Your records have not been disclosed to anyone.</p>")
        else:
            parts.append("<ul>")
            parts.extend(
                f"<li>{_e(d['at'])}: {_e(d['by']['name'])} disclosed {_e(d['what']['type'])} "
                f"records to {_e(d['recipient'])} for {_e(d['purpose'])}</li>"
                for d in ledger
            )
            parts.append("</ul>")
        parts.append("</section>")
    parts.append("</body></html>")
    return "\n".join(parts)
