"""viralclip scoring service: candidate windows into scored, ranked clips (OpenAI or offline)."""
