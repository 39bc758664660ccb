"""Rule violations: a player (or facilitator) asked for something the rules forbid.

These are *their* mistakes, not bugs: the command is refused, nothing changes, and the room
carries on. Each has a stable `code` a client can switch on and a sentence a person can read.
"""

from __future__ import annotations


class RuleViolation(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


# The stable codes, with what each means; docs/protocol.md lists the same.
CODES: dict[str, str] = {
    "game_over": "the game has ended",
    "wrong_phase": "the command is not allowed in this phase",
    "paused": "the facilitator has paused the game",
    "not_your_seat": "the command must come from another seat or the facilitator",
    "not_facilitator": "only the facilitator may do this",
    "not_seated": "the delegation is not at the table",
    "unknown_delegation": "no such delegation in this game",
    "unknown_issue": "no such issue on the agenda",
    "unknown_option": "no such option for that issue",
    "unknown_proposal": "no such proposal on the table",
    "unknown_card": "no such card in the pressure deck",
    "not_your_proposal": "only the author may withdraw a proposal",
    "proposal_withdrawn": "the proposal has been withdrawn",
    "proposal_settled": "the proposal is already in force as an interim agreement",
    "already_supported": "the delegation already supports that proposal",
    "incomplete_proposal": "only a proposal with an option for every issue can be signed",
    "not_signatory": "the delegation's signature is not needed on that proposal",
    "already_voted": "the delegation has already signed or declined that proposal",
    "already_ready": "the delegation is already marked ready",
    "not_paused": "the timer is not paused",
    "already_paused": "the timer is already paused",
    "already_seated": "the delegation is already at the table",
    "party_cannot_be_unseated": "a party leaves the table only by walking out",
    "debrief_open": "the debrief is already open",
    "game_not_over": "the debrief opens once the game has ended",
    "debrief_not_open": "reflections open with the debrief",
    "reflections_closed": "the facilitator has closed reflections",
    "no_questions": "no reflection questions were asked",
    "wrong_answers": "the answers do not match the questions",
    "empty_reflection": "a reflection needs at least one answer",
    "not_head": "only the delegation's head may sign, decline, walk out or hand over the lead "
                "(the message names the head)",
    "not_a_team": "the delegation is played by one person: it has no team channel or head",
    "unknown_member": "the team has no such member (who has joined)",
    "already_head": "that member already leads the delegation",
}
