"""`envgym eval --policy openai` from the command line, against a small OpenAI-compatible server
run in this process (``/v1/models`` and ``/v1/completions`` with canned answers): the key reaches
the Authorization header and nowhere else, the tokenizer comes from --tokenizer or the model
name, and a server that is down or refuses the key is one line naming the URL."""

from __future__ import annotations

import http.server
import json
import socket
import threading

import pytest
from typer.testing import CliRunner

pytest.importorskip("openai", reason="the openai policy needs the openai package")
pytest.importorskip("transformers")

from envgym.cli import app  # noqa: E402
from envgym.models import build_tokenizer  # noqa: E402

KEY = "sk-test-7f3a9c-never-print-me"
runner = CliRunner()


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, key: str | None) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.key, self.authorizations, self.prompts = key, [], []


class _Handler(http.server.BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, *args) -> None:  # quiet
        pass

    def _send(self, status: int, body: dict) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _authorized(self) -> bool:
        header = self.headers.get("Authorization", "")
        self.server.authorizations.append(header)
        if self.server.key is not None and header != f"Bearer {self.server.key}":
            self._send(401, {"error": {"message": "bad key", "type": "invalid_request_error"}})
            return False
        return True

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        if self._authorized():
            self._send(200, {"object": "list", "data": [{"id": "served", "object": "model", "created": 0, "owned_by": "t"}]})

    def do_POST(self) -> None:  # noqa: N802
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        if not self._authorized():
            return
        self.server.prompts.append(body["prompt"])
        choices = [{"index": i, "text": "The answer is \\boxed{0}", "finish_reason": "stop", "logprobs": None}
                   for i in range(body.get("n", 1))]
        self._send(200, {"id": "c", "object": "text_completion", "created": 0, "model": body["model"], "choices": choices})


@pytest.fixture
def server(request):
    srv = _Server(getattr(request, "param", KEY))
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield srv
    srv.shutdown()
    srv.server_close()


@pytest.fixture(scope="module")
def tokenizer_dir(tmp_path_factory):
    path = tmp_path_factory.mktemp("tokenizer")
    build_tokenizer().save_pretrained(path)
    return path


def _url(srv: _Server) -> str:
    return f"http://127.0.0.1:{srv.server_address[1]}/v1"


def _eval(*args: str, env: dict | None = None):
    return runner.invoke(app, ["eval", "--env", "envgym/Arithmetic-v0", "--policy", "openai", "--tasks", "2", *args],
                         env={"OPENAI_API_KEY": None, **(env or {})})


def test_the_key_from_the_environment_reaches_the_server_and_nothing_else(server, tokenizer_dir, tmp_path):
    out = tmp_path / "results.json"
    result = _eval("--base-url", _url(server), "--model", "served", "--tokenizer", str(tokenizer_dir),
                   "--json", str(out), env={"OPENAI_API_KEY": KEY})
    assert result.exit_code == 0, result.output
    assert server.prompts and all(isinstance(t, int) for t in server.prompts[0])  # token ids, rendered locally
    assert set(server.authorizations) == {f"Bearer {KEY}"}
    assert KEY not in result.output and KEY not in result.stderr
    assert KEY not in out.read_text() and json.loads(out.read_text())


def test_api_key_env_names_the_variable(server, tokenizer_dir):
    result = _eval("--base-url", _url(server), "--model", "served", "--tokenizer", str(tokenizer_dir),
                   "--api-key-env", "MY_SERVER_KEY", env={"MY_SERVER_KEY": KEY, "OPENAI_API_KEY": "sk-wrong"})
    assert result.exit_code == 0, result.output
    assert set(server.authorizations) == {f"Bearer {KEY}"}
    unset = _eval("--base-url", _url(server), "--model", "served", "--tokenizer", str(tokenizer_dir),
                  "--api-key-env", "NOT_SET_ANYWHERE")
    assert unset.exit_code == 2 and unset.stderr.strip() == (
        "error: --api-key-env NOT_SET_ANYWHERE: that environment variable is not set (or empty)")


def test_a_refused_key_is_one_line_without_the_key(server, tokenizer_dir):
    result = _eval("--base-url", _url(server), "--model", "served", "--tokenizer", str(tokenizer_dir),
                   env={"OPENAI_API_KEY": "sk-wrong-key-123"})
    assert result.exit_code == 2 and len(result.stderr.strip().splitlines()) == 1
    assert "refused the API key (HTTP 401)" in result.stderr and "sk-wrong-key-123" not in result.output
    assert not server.prompts  # refused before any task was sent


@pytest.mark.parametrize("server", [None], indirect=True)
def test_the_tokenizer_comes_from_the_model_name_when_it_is_a_folder(server, tokenizer_dir):
    result = _eval("--base-url", _url(server), "--model", str(tokenizer_dir))
    assert result.exit_code == 0, result.output
    assert set(server.authorizations) == {"Bearer EMPTY"}  # no key set: what a local vLLM server expects


@pytest.mark.parametrize("server", [None], indirect=True)
def test_no_tokenizer_is_one_clear_line(server, tmp_path):
    result = _eval("--base-url", _url(server), "--model", "some-org/not-downloaded-model")
    assert result.exit_code == 2, result.output
    assert result.stderr.count("\n") == 1 and "no tokenizer for 'some-org/not-downloaded-model'" in result.stderr
    assert "--tokenizer" in result.stderr
    bad = _eval("--base-url", _url(server), "--model", "served", "--tokenizer", str(tmp_path / "missing"))
    assert bad.exit_code == 2 and "cannot load the tokenizer" in bad.stderr and bad.stderr.count("\n") == 1
    assert "Traceback" not in result.output + bad.output


def test_a_server_that_is_down_is_one_line_naming_the_url(tokenizer_dir):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: nothing listens there
    url = f"http://127.0.0.1:{port}/v1"
    result = _eval("--base-url", url, "--model", "served", "--tokenizer", str(tokenizer_dir))
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    assert f"no OpenAI-compatible server answers at {url}" in result.stderr and "Traceback" not in result.output


@pytest.mark.parametrize("url", ["localhost:8000", "not a url", "ftp://host/v1", "http://", "http://host:port/v1"])
def test_a_base_url_that_is_not_a_url(url, tokenizer_dir):
    result = _eval("--base-url", url, "--model", "served", "--tokenizer", str(tokenizer_dir))
    assert result.exit_code == 2 and result.stderr.startswith("error: --base-url") and result.stderr.count("\n") == 1
