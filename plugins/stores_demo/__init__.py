"""Qudao plugin `stores_demo`: Jewelry key accounts."""
