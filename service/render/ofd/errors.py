"""What the OFD writer refuses: a PDF it cannot show page for page, with the reason in Chinese."""


class OfdError(ValueError):
    """A PDF the OFD writer cannot show as it is, with where and why."""
