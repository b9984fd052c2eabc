"""Realistic facts for each instrument, one <kind>.json each; installed as service.samples."""
