"""Work the service does on its own: start-up preparation, scheduled checks and housekeeping."""
