"""Interfaz: una página por archivo; widgets → un caso de uso → mostrar (con app.py, lo único que importa streamlit)."""
