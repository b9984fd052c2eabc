"""Accounts: users and roles, API tokens, sign-in sessions, attempt limits and kept forms."""
