"""Template maintenance: versions published and activated, lint, candidates and their previews (named apart from Flask's HTML templates)."""
