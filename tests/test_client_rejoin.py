"""Rejoin codes: the seat token spelled for a person, shown after the first join, typed back in."""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from textual.widgets import Input, Static

from client import rejoin
from client.app import ParleyApp
from client.connection import Connection
from client.screens.lobby import LobbyScreen
from client.screens.rejoin import RejoinCodeScreen
from client_helpers import open_room, wait_until
from server.net.server import ParleyServer


@given(st.binary(min_size=12, max_size=64))
def test_a_rejoin_code_spells_any_token_back_exactly(raw: bytes) -> None:
    """readable() then token_of() gives the same token, however it is typed (case, spaces, dashes)."""
    import base64

    token = base64.urlsafe_b64encode(raw).decode().rstrip("=")
    code = rejoin.readable(token)
    assert code is not None and set(code) <= set(rejoin.ALPHABET + "-")
    assert rejoin.token_of(code) == token
    assert rejoin.token_of(" " + code.lower().replace("-", " ") + " ") == token


def test_every_single_typo_is_caught_and_join_codes_are_not_rejoin_codes() -> None:
    """Any one wrong character is refused as a typo; a join code like UP-7KQ4 is left to `join`."""
    code = rejoin.readable(secrets.token_urlsafe(24))
    assert code is not None
    plain = code.replace("-", "")
    for i, right in enumerate(plain):
        for wrong in rejoin.ALPHABET.replace(right, ""):
            with pytest.raises(rejoin.RejoinTypo):
                rejoin.token_of(plain[:i] + wrong + plain[i + 1:])
    assert rejoin.token_of("UP-7KQ4") is None and rejoin.token_of("up 7kq4") is None
    with pytest.raises(rejoin.RejoinTypo):
        rejoin.token_of(plain[:20] + "!" + plain[21:])
    assert rejoin.readable("not base64 at all!") is None and rejoin.readable("") is None


async def test_the_first_join_shows_the_rejoin_code_and_the_join_screen_takes_it_back(
        srv: ParleyServer, tmp_path: Path) -> None:
    """After a join the dialog shows the token's rejoin code; a second client typing it resumes that seat."""
    _, codes = await open_room(srv)
    first = ParleyApp(Connection(srv.url, backoff=(0.1,)), code=codes["upland"], name="Ann",
                      config_file=tmp_path / "one.json", rejoin_prompt=True)
    async with first.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, lambda: isinstance(first.screen, RejoinCodeScreen)
                         and first.screen.query("#rejoin-code"), what="the rejoin code")
        shown = str(first.screen.query_one("#rejoin-code", Static).render())
        assert first.state.token is not None and rejoin.readable(first.state.token) in shown
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(first.screen, LobbyScreen), what="the lobby")
    code = rejoin.readable(first.state.token or "")
    assert code is not None

    again = ParleyApp(Connection(srv.url, backoff=(0.1,)), config_file=tmp_path / "two.json",
                      rejoin_prompt=True)
    async with again.run_test(size=(100, 30)) as pilot:
        again.screen.query_one("#code", Input).value = code.lower()
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(again.screen, LobbyScreen), what="the lobby again")
        assert again.state.delegation == "upland" and again.state.token == first.state.token


async def test_a_mistyped_rejoin_code_is_one_sentence_and_sends_nothing(srv: ParleyServer, tmp_path: Path) -> None:
    """A rejoin code with a typo is named as such on the join screen; no resume is attempted."""
    await open_room(srv)
    code = rejoin.readable(secrets.token_urlsafe(24)) or ""
    typo = ("3" if code[0] != "3" else "4") + code[1:]
    app = ParleyApp(Connection(srv.url, backoff=(0.1,)), config_file=tmp_path / "c.json")
    async with app.run_test(size=(100, 30)) as pilot:
        app.screen.query_one("#code", Input).value = typo
        await pilot.press("enter")
        problem = app.screen.query_one("#problem", Static)
        await wait_until(pilot, lambda: "typo" in str(problem.render()), what="the typo sentence")
        assert app.connection is not None and not app.connection.is_open
