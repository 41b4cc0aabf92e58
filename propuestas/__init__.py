"""Procesos participativos y propuestas georreferenciadas (entrega «Procesos y propuestas»)."""
