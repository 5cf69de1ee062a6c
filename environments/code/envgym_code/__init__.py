"""envgym/PythonFunction-v0, envgym/StdioProgram-v0 and envgym/CodeRefine-v0: code checked by
hidden unit tests in a sandbox.

    env = envgym.make("envgym/PythonFunction-v0", reward="all")
    obs, info = env.reset(seed=0)
    obs, reward, terminated, truncated, info = env.step("```python\\ndef gcd(a, b): ...\\n```")
    info["verdict"].details      # {"passed": 6, "total": 8, "backend": "bwrap", ...}

Modules: ``tasks`` (the task types), ``function_tasks`` and ``stdio_tasks`` (the tasks),
``extract`` (the code in a completion), ``verifier`` (running the hidden tests), ``hacks`` (the
reward-hack probes), ``env`` and ``refine`` (the environments), ``plugin`` (registration).
"""

from envgym_code.env import PythonFunctionEnv, StdioProgramEnv
from envgym_code.extract import extract_code
from envgym_code.refine import CodeRefineEnv
from envgym_code.tasks import FunctionTask, StdioTask
from envgym_code.verifier import UnitTests

__all__ = ["CodeRefineEnv", "FunctionTask", "PythonFunctionEnv", "StdioProgramEnv", "StdioTask", "UnitTests",
           "extract_code"]
