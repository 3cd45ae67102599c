"""Qudao plugin `banking_rm`: Bank relationship managers."""
