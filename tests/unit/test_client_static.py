"""The browser client never turns text into HTML, and fits the server's strict CSP.

Pure: reads the files under client_web/, no browser.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

CLIENT = Path(__file__).resolve().parents[2] / "client_web"
JS_FILES = sorted(CLIENT.glob("*.js"))

# Sinks that parse strings as HTML or code.
FORBIDDEN_JS = {
    "innerHTML": re.compile(r"\binnerHTML\b"),
    "outerHTML": re.compile(r"\bouterHTML\b"),
    "insertAdjacentHTML": re.compile(r"\binsertAdjacentHTML\b"),
    "document.write": re.compile(r"\bdocument\s*\.\s*write(ln)?\b"),
    "createContextualFragment": re.compile(r"\bcreateContextualFragment\b"),
    "DOMParser": re.compile(r"\bDOMParser\b"),
    "eval": re.compile(r"(?<![\w.])eval\s*\("),
    "new Function": re.compile(r"\bnew\s+Function\s*\("),
    "string setTimeout": re.compile(r"\bset(Timeout|Interval)\s*\(\s*['\"`]"),
    "inline style attribute": re.compile(r"setAttribute\s*\(\s*['\"]style['\"]"),
}


def _code(path: Path) -> str:
    """The file without comments, so prose about a sink does not trip the check."""
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    return re.sub(r"(?m)(^|[^:\"'\\])//.*$", r"\1", text)


def test_client_files_exist() -> None:
    names = {p.name for p in JS_FILES}
    assert {
        "app.js",
        "protocol.js",
        "socket.js",
        "store.js",
        "view.js",
        "api.js",
        "notify.js",
        # Facilitator tools (issue 4).
        "facilitation.js",
        "panel.js",
        "modtools.js",
        "sound.js",
    } <= names
    assert (CLIENT / "index.html").is_file() and (CLIENT / "style.css").is_file()


@pytest.mark.parametrize("path", JS_FILES, ids=lambda p: p.name)
def test_no_html_sinks_in_client_js(path: Path) -> None:
    code = _code(path)
    found = [name for name, rx in FORBIDDEN_JS.items() if rx.search(code)]
    assert found == [], f"{path.name} uses {found}"


def test_the_sink_check_catches_what_it_should(tmp_path: Path) -> None:
    bad = tmp_path / "bad.js"
    bad.write_text(
        "el.innerHTML = x;\nel.insertAdjacentHTML('beforeend', y);\n"
        "document.write(z); p.outerHTML = q;\n"
    )
    code = _code(bad)
    hits = {name for name, rx in FORBIDDEN_JS.items() if rx.search(code)}
    assert {"innerHTML", "insertAdjacentHTML", "document.write", "outerHTML"} <= hits
    commented = tmp_path / "ok.js"
    commented.write_text("// never use innerHTML here\n/* nor outerHTML */\nel.textContent = x;\n")
    assert not any(rx.search(_code(commented)) for rx in FORBIDDEN_JS.values())


def test_index_html_fits_the_csp() -> None:
    html = (CLIENT / "index.html").read_text(encoding="utf-8")
    scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", html, flags=re.S | re.I)
    assert scripts, "index.html loads the app"
    for attrs, body in scripts:
        assert body.strip() == "", "no inline script (CSP script-src 'self')"
        assert 'type="module"' in attrs and 'src="/assets/' in attrs
    assert not re.search(r"\sstyle\s*=", html, flags=re.I), "no inline style attributes"
    assert not re.search(r"<style\b", html, flags=re.I), "no inline <style> (CSP style-src 'self')"
    assert not re.search(r"\son[a-z]+\s*=", html, flags=re.I), "no inline event handlers"
    assert "I need help now" in html, "crisis help is on every screen"


def test_js_imports_stay_inside_the_client() -> None:
    for path in JS_FILES:
        for spec in re.findall(
            r"^\s*import\b[^;]*?from\s+['\"]([^'\"]+)['\"]", path.read_text(), flags=re.M
        ):
            assert spec.startswith("./") and (CLIENT / spec[2:]).is_file(), (path.name, spec)
