"""Version 1 of each instrument's DOCX template, <kind>.docx; installed as service.templates_docx."""
