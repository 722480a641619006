"""viralclip scoring service: candidate windows into scored, ranked clips (OpenAI Responses API or offline)."""
