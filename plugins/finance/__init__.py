"""Qudao plugin `finance`: Finance."""
