"""Qudao plugin `customers`: Customers."""
