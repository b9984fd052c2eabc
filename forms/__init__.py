"""WTForms classes, one module per instrument: the fields a clerk fills and the rules they obey."""
