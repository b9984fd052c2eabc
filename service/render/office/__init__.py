"""The LibreOffice door: profiles, supervised workers, the pool and the one-shot converter."""
