"""Batch issuing: one instrument for many recipients as a resumable job of numbered, archived copies."""
