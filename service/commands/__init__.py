"""Groups of the wenshu command beyond issuing: accounts and templates."""
