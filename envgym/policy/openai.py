"""The ``openai`` policy: any OpenAI-compatible completions endpoint, token ids in and out.

Each prompt is sent as a list of token ids (the completions API accepts them; no chat endpoint,
so nothing is re-rendered or re-tokenized on the server) with ``logprobs=1``. For a vLLM server
the request also asks for ``return_token_ids`` and ``include_stop_str_in_output`` (vLLM's
extensions of the API), so every choice comes back with the sampled token ids (end-of-turn token
included) and ``logprobs.token_logprobs`` with the log-probability of each one. vLLM reports the
raw model distribution there as long as the server runs with its default
``--logprobs-mode raw_logprobs``.

Servers that return no token ids degrade, and say so in the data: where the logprobs' tokens
are ``token_id:N`` strings (``return_tokens_as_token_ids``) the ids are read from them; otherwise
the completion text is re-tokenized with ``tokenizer`` and ``logprobs`` is None, since
log-probabilities of other tokens than the sampled ones are of no use to a learner.

Requests run on a thread pool of ``max_concurrency`` (one request per prompt, ``n`` choices each,
each request with its own seed drawn from ``SamplingParams.seed``, see ``request_seeds``).
Retries are the openai client's own: connection errors, timeouts, 408, 409, 429 and 5xx are
retried ``max_retries`` times with exponential backoff (0.5 s doubling up to 8 s, with jitter, or
the server's Retry-After); anything else is raised at once as a RuntimeError naming the server.
"""

from __future__ import annotations

import concurrent.futures
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from envgym.errors import EnvgymError
from envgym.policy.base import Completion, FinishReason, SamplingParams, sampled_and_copied

_FINISH: dict[str, FinishReason] = {"stop": "stop", "length": "length"}
_TOKEN_ID = "token_id:"


class OpenAIPolicy:
    """A model behind an OpenAI-compatible ``/v1/completions`` endpoint.

    base_url: the API root, e.g. "http://127.0.0.1:8000/v1".
    model: the model name the server knows.
    api_key: sent as a bearer token ("EMPTY" for a local vLLM server); never printed or stored.
    tokenizer: a tokenizer, or a folder or Hugging Face name to load one from (local files only: no
        download); None loads it from ``model`` when that is a local folder (as with ``vllm serve DIR``)
        or a name in the local Hugging Face cache, and leaves it None otherwise.
    require_tokenizer: refuse to start without one (rendering chat prompts needs it; ``envgym eval`` sets this).
    name: the policy id for provenance (default: ``model``).
    max_concurrency: the most requests in flight at once.
    max_retries: retries of a request that failed for a transient reason (see the module docstring).
    timeout_s: the longest one attempt of a request may take.
    vllm_extensions: ask for ``return_token_ids`` and ``include_stop_str_in_output``; turn off
        for a server that rejects fields it does not know.
    """

    def __init__(self, base_url: str, model: str, *, api_key: str = "EMPTY", tokenizer: Any = None,
                 name: str | None = None, max_concurrency: int = 8, max_retries: int = 5,
                 timeout_s: float = 60.0, vllm_extensions: bool = True, require_tokenizer: bool = False) -> None:
        import openai

        if max_concurrency < 1 or max_retries < 0 or timeout_s <= 0:
            raise ValueError("openai policy: max_concurrency must be >= 1, max_retries >= 0 and timeout_s > 0")
        self.name = name or model
        self.version = 0  # the server's weights are not ours to update
        self.model = model
        self.base_url = base_url
        self.max_retries = max_retries
        self.vllm_extensions = vllm_extensions
        self.tokenizer = _load_tokenizer(tokenizer, model)
        if self.tokenizer is None and require_tokenizer:
            raise EnvgymError(f"openai policy: no tokenizer for {model!r}: it is no local folder and not in the local "
                              "Hugging Face cache; pass --tokenizer DIR (tokenizer=) with the served model's tokenizer")
        self.client = openai.OpenAI(base_url=base_url, api_key=api_key, max_retries=max_retries, timeout=timeout_s)
        self._pool = concurrent.futures.ThreadPoolExecutor(max_concurrency, thread_name_prefix="envgym-openai")

    def check_server(self) -> None:
        """Ask the server for its models once, without retries: an EnvgymError naming the URL when
        nothing answers there or the key is refused, before any work is sent."""
        import openai

        try:
            self.client.with_options(max_retries=0, timeout=min(10.0, self.client.timeout or 10.0)).models.list()
        except openai.APIConnectionError as exc:
            raise EnvgymError(f"openai policy: no OpenAI-compatible server answers at {self.base_url} "
                              f"({type(exc).__name__}); is it running, and is the URL right?") from None
        except openai.APIStatusError as exc:
            if exc.status_code in (401, 403):
                raise EnvgymError(f"openai policy: {self.base_url} refused the API key (HTTP {exc.status_code}); set "
                                  "OPENAI_API_KEY or name the variable that holds it with --api-key-env") from None
            # other statuses (a server without /models): it answers; requests will tell the rest

    def generate(self, prompts: Sequence[Sequence[int]], params: SamplingParams) -> list[list[Completion]]:
        """For each token-id prompt, ``params.n`` completions (requests run concurrently)."""
        seeds = params.prompt_seeds(len(prompts))
        calls = [self._pool.submit(self._request, [int(t) for t in p], params, seed) for p, seed in zip(prompts, seeds)]
        try:
            return [call.result() for call in calls]
        finally:
            for call in calls:
                call.cancel()

    def _request(self, prompt: list[int], params: SamplingParams, seed: int | None) -> list[Completion]:
        import openai

        extra = {"return_token_ids": True, "include_stop_str_in_output": True} if self.vllm_extensions else None
        n, copies = sampled_and_copied(params)
        try:
            response = self.client.completions.create(
                model=self.model, prompt=prompt, n=n, temperature=params.temperature,
                top_p=params.top_p, max_tokens=params.max_tokens, stop=list(params.stop) or None,
                seed=seed, logprobs=1, extra_body=extra,
            )
        except openai.APIConnectionError as exc:  # includes timeouts
            raise RuntimeError(f"openai policy {self.name}: no answer from {self.base_url} after "
                               f"{self.max_retries + 1} attempts ({exc}); is the server running?") from exc
        except openai.APIStatusError as exc:
            raise RuntimeError(f"openai policy {self.name}: {self.base_url} refused the request with HTTP "
                               f"{exc.status_code}: {exc.message}") from exc
        choices = sorted(response.choices, key=lambda c: c.index)
        if len(choices) != n:
            raise RuntimeError(f"openai policy {self.name}: asked {self.base_url} for {n} choices, got {len(choices)}")
        return [self._completion(choice) for choice in choices] * copies

    def _completion(self, choice: Any) -> Completion:
        reason = _FINISH.get(choice.finish_reason)
        if reason is None:
            raise RuntimeError(f"openai policy {self.name}: a completion ended with {choice.finish_reason!r}")
        logprobs = list(choice.logprobs.token_logprobs) if choice.logprobs is not None else None
        tokens = getattr(choice, "token_ids", None) or _ids_from_logprob_tokens(choice.logprobs)
        if tokens is None:
            if self.tokenizer is None:
                raise RuntimeError(f"openai policy {self.name}: {self.base_url} returned no token ids; pass "
                                   "tokenizer= so the text can be re-tokenized")
            tokens, logprobs = self.tokenizer.encode(choice.text, add_special_tokens=False), None
        if logprobs is not None and (len(logprobs) != len(tokens) or any(lp is None for lp in logprobs)):
            logprobs = None
        text = choice.text if self.tokenizer is None else self.tokenizer.decode(tokens, skip_special_tokens=True)
        return Completion(tuple(int(t) for t in tokens), None if logprobs is None else tuple(map(float, logprobs)),
                          text, reason)

    def close(self) -> None:
        """Stop the request threads and close the HTTP connections."""
        self._pool.shutdown(wait=False, cancel_futures=True)
        self.client.close()

    def __enter__(self) -> OpenAIPolicy:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _ids_from_logprob_tokens(logprobs: Any) -> list[int] | None:
    """Token ids from logprob tokens written as ``token_id:N`` (vLLM's ``return_tokens_as_token_ids``).

    >>> class L: tokens = ["token_id:5", "token_id:17"]
    >>> _ids_from_logprob_tokens(L())
    [5, 17]
    >>> _ids_from_logprob_tokens(None) is None
    True
    """
    tokens = getattr(logprobs, "tokens", None)
    if not tokens or not all(isinstance(t, str) and t.startswith(_TOKEN_ID) for t in tokens):
        return None
    return [int(t[len(_TOKEN_ID):]) for t in tokens]


def _load_tokenizer(tokenizer: Any, model: str) -> Any:
    """The tokenizer given, loaded from local files when it is a folder or name; else ``model``'s when
    that loads locally; else None."""
    if tokenizer is not None and not isinstance(tokenizer, (str, Path)):
        return tokenizer
    from transformers import AutoTokenizer

    try:
        return AutoTokenizer.from_pretrained(str(tokenizer or model), local_files_only=True)
    except Exception as exc:  # noqa: BLE001 - transformers raises OSError, ValueError, HFValidationError, ...
        if tokenizer is None:
            return None
        raise EnvgymError(f"openai policy: cannot load the tokenizer {str(tokenizer)!r} from local files "
                          f"({type(exc).__name__}); give a folder with tokenizer files, or a name in the local "
                          "Hugging Face cache") from None
