"""The enforcement case: its record, the procedure its instruments must follow, its status and deadlines."""
