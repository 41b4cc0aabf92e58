"""Votación y priorización (entrega «Votación y priorización»)."""
