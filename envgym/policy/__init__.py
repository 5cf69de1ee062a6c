"""Policies: backends that generate tokens (hf, vllm, openai) and scaffolds around them."""
