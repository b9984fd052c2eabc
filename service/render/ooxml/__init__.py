"""Reading a DOCX (OOXML) package safely: its parts, relationships and field codes, and what in it reaches outside."""
