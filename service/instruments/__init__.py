"""The instruments: one registry entry per kind, its facts validated by its form, and the context it prints."""
