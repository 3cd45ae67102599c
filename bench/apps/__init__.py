"""Peer applications the platform is measured against (same gunicorn settings)."""
