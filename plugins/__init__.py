"""Built-in Qudao plugins; each is a package with a plugin.py."""
