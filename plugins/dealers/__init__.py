"""Qudao plugin `dealers`: Dealers."""
